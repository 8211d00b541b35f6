package io.walship.agent.fetch;

import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.spool.SpoolLayout;
import io.walship.fs.AtomicFile;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the launcher's fetches (bin/lib/fetched.sh) that found nothing verified in the spool, so that they need
 * no JVM and no connection of their own: {@code asks/NAME.ID} is answered by {@code NAME.ID.found} (the verified
 * file), {@code .missing} or {@code .failed} (why), and then removed. What it answers comes from the receiver,
 * asked after the request appeared, or from a verified spooled segment: never from what the read-ahead learned
 * earlier, since a wrong "missing" would end archive recovery early. {@code prefetch.pid} says that asks are
 * answered; it goes before the last asks are answered as failed, so a launcher never waits on no one.
 */
final class FetchRequests implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FetchRequests.class.getName());
    /** NAME.ID, ID being the launcher's "PID-MICROSECONDS". */
    private static final Pattern ASK = Pattern.compile("([0-9A-Za-z.]+)\\.([0-9]+-[0-9]+)");
    /** PostgreSQL asks for one file at a time; the second thread keeps a slow download from holding up a probe. */
    private static final int THREADS = 2;

    private final ReadAheadSpool spool;
    private final Fetcher fetcher;
    private final Runnable onAsk;
    private final Path dir;
    private final Set<String> answering = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    private WatchService watch;
    private Thread watcher;

    /** {@code onAsk} runs for every ask: recovery is still asking. */
    FetchRequests(ReadAheadSpool spool, Fetcher fetcher, Runnable onAsk) {
        this.spool = spool;
        this.fetcher = fetcher;
        this.onAsk = onAsk;
        this.dir = spool.layout().asksDir();
    }

    /** Starts answering: asks left by an earlier read-ahead are dropped (their launchers went to Java). */
    void open() throws IOException {
        Files.createDirectories(dir);
        watch = dir.getFileSystem().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
        watcher = Thread.ofPlatform().name("fetch-requests").daemon().start(this::watch);
        AtomicFile.replace(spool.layout().prefetchPid(),
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean overflow = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflow = true;
                    } else {
                        dispatch(event.context().toString());
                    }
                }
                if (overflow) {
                    scan();
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.fine("no more asks: " + e);
        } catch (IOException e) {
            LOG.warning("cannot read " + dir + ": " + e.getMessage() + "; fetches start Java of their own");
        }
    }

    private void scan() throws IOException {
        try (DirectoryStream<Path> asks = Files.newDirectoryStream(dir)) {
            for (Path ask : asks) {
                dispatch(ask.getFileName().toString());
            }
        }
    }

    private void dispatch(String file) {
        Matcher ask = ASK.matcher(file);
        if (ask.matches() && WalFileName.isValid(ask.group(1)) && answering.add(file)) {
            workers.execute(() -> answer(file, WalFileName.parse(ask.group(1))));
        }
    }

    private void answer(String file, WalFileName name) {
        Path ask = dir.resolve(file);
        try {
            onAsk.run();
            FetchResult result = fetch(name, dir.resolve(file + SpoolLayout.FOUND_SUFFIX));
            switch (result.status()) {
                case FETCHED -> LOG.fine("served " + name.name());
                case NOT_FOUND -> Files.createFile(dir.resolve(file + SpoolLayout.MISSING_SUFFIX));
                case REFUSED, DAMAGED -> failed(file, result.message());
            }
        } catch (FileAlreadyExistsException e) {
            LOG.fine("answered twice: " + file);
        } catch (ReceiverFailure | IOException e) {
            failed(file, e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(ask);
            } catch (IOException e) {
                LOG.warning("cannot remove " + ask + ": " + e.getMessage());
            }
            answering.remove(file);
        }
    }

    /** A verified spooled segment (waiting for its download if one is under way), else the receiver's answer now. */
    private FetchResult fetch(WalFileName name, Path found) throws ReceiverFailure, IOException {
        boolean segment = name.kind() == WalFileName.Kind.SEGMENT;
        if (segment) {
            spool.moveTo(name, 0);
            if (spool.takeOrAwait(name, found)) {
                return new FetchResult(FetchResult.Status.FETCHED, "from the spool", Files.size(found));
            }
        }
        FetchResult result = fetcher.fetch(name, found);
        if (segment && result.status() == FetchResult.Status.FETCHED) {
            spool.moveTo(name, result.segmentSize());
        }
        return result;
    }

    private void failed(String file, String why) {
        try {
            AtomicFile.replace(dir.resolve(file + SpoolLayout.FAILED_SUFFIX),
                    (why.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The launcher then waits until this process is gone, and goes to Java.
            LOG.warning("cannot answer " + file + " (" + why + "): " + e.getMessage());
        }
    }

    /** Stops answering: announced first, then the asks still open are answered as failed. */
    @Override
    public void close() throws IOException, InterruptedException {
        Files.deleteIfExists(spool.layout().prefetchPid());
        if (watch != null) {
            watch.close();
            watcher.join();
        }
        workers.shutdown();
        workers.awaitTermination(30, TimeUnit.SECONDS);
        try (DirectoryStream<Path> asks = Files.newDirectoryStream(dir)) {
            for (Path ask : asks) {
                String file = ask.getFileName().toString();
                if (ASK.matcher(file).matches()) {
                    failed(file, "the read-ahead stopped");
                }
            }
        }
    }
}
