package io.walship.agent.daemon;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.FileUpload;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.net.ReceiverSession;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.ShippedRecords;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.WireEncoding;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Ships what PostgreSQL has marked ready before the archiver asks for it, over warm connections and in
 * parallel, and records each acknowledgement so that {@code walship push} can answer at once. Never
 * runs ahead of a failing file: until it is stored, nothing after it in archiver order is started.
 */
final class ShippingAgent {

    private static final Logger LOG = Logger.getLogger(ShippingAgent.class.getName());
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long CLEANUP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Failure(long retryAt, long backoff) {
    }

    private final AgentConfig config;
    private final Path walDir;
    private final ReadyFiles ready;
    private final ShippedRecords records;
    private final ReceiverClient client;
    private final AgentPresence presence;
    private final AgentMetrics metrics;
    private final UploadEncodings encodings;
    private final Set<String> inflight = ConcurrentHashMap.newKeySet();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final ThreadLocal<ReceiverSession> sessions = new ThreadLocal<>();
    private volatile boolean stopped;
    private volatile Thread dispatcher;

    ShippingAgent(AgentConfig config, Path pgdata, ShippedRecords records, ReceiverClient client,
            AgentPresence presence) {
        this.config = config;
        this.walDir = pgdata.resolve("pg_wal");
        this.ready = new ReadyFiles(walDir);
        this.records = records;
        this.client = client;
        this.presence = presence;
        this.metrics = new AgentMetrics(config.server(), ready, new ArchiveLagProbe(config, pgdata)::read,
                Clock.systemUTC());
        this.encodings = new UploadEncodings(config.wireCompression());
    }

    AgentMetrics metrics() {
        return metrics;
    }

    void stop() {
        stopped = true;
    }

    void run() throws IOException, InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(config.pushConcurrency());
        dispatcher = Thread.currentThread();
        long nextCleanup = System.nanoTime();
        try (WatchService watcher = walDir.getFileSystem().newWatchService()) {
            // A new .ready file wakes the dispatcher at once; the poll below stays as the fallback.
            walDir.resolve("archive_status").register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            Thread.ofPlatform().daemon().name("walship-ready-watch").start(() -> wakeOnReady(watcher));
            while (!stopped) {
                dispatch(ready.list(), workers);
                if (System.nanoTime() - nextCleanup > 0) {
                    forgetRecycled();
                    nextCleanup = System.nanoTime() + CLEANUP_NANOS;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            workers.shutdown();
            workers.awaitTermination(5, TimeUnit.MINUTES);
        }
    }

    private void wakeOnReady(WatchService watcher) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                LockSupport.unpark(dispatcher);
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // the agent stops
        }
    }

    /** Starts the oldest ready files not yet shipped, up to the concurrency, stopping at a failing one. */
    private void dispatch(List<String> names, ExecutorService workers) throws IOException {
        // A failing file PostgreSQL no longer lists as ready was archived without the agent (its own push sent
        // it): it holds nothing back any more.
        for (String failing : failures.keySet()) {
            if (!names.contains(failing)) {
                succeeded(failing);
            }
        }
        for (String name : names) {
            if (inflight.size() >= config.pushConcurrency()) {
                return;
            }
            Failure failure = failures.get(name);
            if (inflight.contains(name)) {
                if (failure != null) {
                    return;
                }
                continue;
            }
            if (failure != null && System.nanoTime() - failure.retryAt() < 0) {
                return;
            }
            Path file = walDir.resolve(name);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (records.matches(name, attributes)) {
                continue;
            }
            inflight.add(name);
            workers.execute(() -> ship(name, file));
            if (failure != null) {
                return;
            }
        }
    }

    private void ship(String name, Path file) {
        long started = System.nanoTime();
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            ReceiverSession session = session();
            Reply reply;
            WireEncoding encoding;
            try (UploadEncodings.Choice choice = encodings.choose(session.capabilities());
                    FileUpload upload = FileUpload.of(file, before.size(), choice.encoding())) {
                encoding = choice.encoding();
                reply = session.put(new Put(config.server(), name, before.size(),
                        before.lastModifiedTime().to(TimeUnit.NANOSECONDS), encoding), upload);
            }
            String stamp = ShippedRecords.stamp(before);
            if (!stamp.equals(ShippedRecords.stamp(file))) {
                failed(name, "it changed while it was being sent");
            } else if (reply.code().isArchived()) {
                records.record(name, stamp);
                metrics.shipped(reply.code(), before.size(), System.nanoTime() - started);
                succeeded(name);
                LOG.info("shipped " + name + " (" + reply.code() + ", " + encoding.name().toLowerCase(Locale.ROOT)
                        + " on the wire, " + (System.nanoTime() - started) / 1_000_000 + " ms)");
            } else {
                failed(name, reply.code() + ": " + reply.message());
            }
        } catch (NoSuchFileException e) {
            succeeded(name);
        } catch (ReceiverFailure e) {
            sessions.remove();
            failed(name, e.getMessage());
        } catch (IOException | RuntimeException e) {
            failed(name, e.toString());
        } finally {
            inflight.remove(name);
            // A free slot: start the next file now rather than at the next look at archive_status.
            LockSupport.unpark(dispatcher);
        }
    }

    private ReceiverSession session() throws ReceiverFailure {
        ReceiverSession session = sessions.get();
        if (session == null || !session.isOpen()) {
            session = client.openSession();
            sessions.set(session);
        }
        return session;
    }

    private synchronized void failed(String name, String why) {
        Failure previous = failures.get(name);
        long backoff = previous == null ? FIRST_RETRY_NANOS : Math.min(previous.backoff() * 2, MAX_RETRY_NANOS);
        failures.put(name, new Failure(System.nanoTime() + backoff, backoff));
        metrics.failed();
        metrics.heldBack(true);
        LOG.warning("could not ship " + name + ", holding back what follows it; retry in "
                + TimeUnit.NANOSECONDS.toSeconds(backoff) + " s: " + why);
        try {
            presence.hold(name, why);
        } catch (IOException e) {
            LOG.warning("cannot mark " + name + " as held back (" + e.getMessage() + "); pushes of it wait for "
                    + "agent_wait seconds before sending it themselves");
        }
    }

    private synchronized void succeeded(String name) {
        if (failures.remove(name) != null && failures.isEmpty()) {
            metrics.heldBack(false);
            try {
                presence.release();
            } catch (IOException e) {
                LOG.warning("cannot clear the held-back mark (" + e.getMessage() + "); pushes send files themselves "
                        + "until the agent restarts");
            }
        }
    }

    /** Records of files PostgreSQL has since recycled or removed are of no use any more. */
    private void forgetRecycled() throws IOException {
        for (String name : records.names()) {
            if (!Files.exists(walDir.resolve(name))) {
                records.forget(name);
            }
        }
    }
}
