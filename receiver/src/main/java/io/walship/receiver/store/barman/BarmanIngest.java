package io.walship.receiver.store.barman;

import io.walship.fs.Durable;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.CompressingSink;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.UploadTemps;
import io.walship.receiver.store.check.IncomingContent;
import io.walship.receiver.store.check.PlainContent;
import io.walship.receiver.store.check.ReceivedBytes;
import io.walship.wal.WalFileName;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Receives one file into a hidden temp file next to its destination (Barman ignores dot files), then
 * commits it: fsync, rename, fsync the directory, append to xlog.db under Barman's lock, fsync. Hashing,
 * header checks and compression happen in the same single pass over the incoming bytes, on the caller's thread;
 * the commit, which may wait for the lock, on one of {@code commits}.
 */
final class BarmanIngest implements Ingest {

    private static final Logger LOG = Logger.getLogger(BarmanIngest.class.getName());

    private final ServerArchive archive;
    private final Compression compression;
    /** The client's own zstd frame is stored as it came (see DecodingIngest); the plain bytes are only checked. */
    private final boolean keepsAsSent;
    private final Executor commits;
    private final StoreEvents events;
    private final WalFileName name;
    private final long size;
    private final long mtimeNanos;
    private final ReceivedBytes received;
    private final Path directory;
    private final Path destination;
    private final Path temp;
    /** Opened with the first bytes, so that an upload that sends none holds no file and no codec. */
    private FileChannel channel;
    private CompressingSink sink;
    private final IncomingContent content;
    private boolean closed;

    /**
     * Stores with {@code compression}; {@code commits} runs the part that waits for Barman's lock; {@code events}
     * hears of the stored file.
     */
    BarmanIngest(ServerArchive archive, Compression compression, boolean keepsAsSent, Executor commits,
            StoreEvents events, WalFileName name, long size, long mtimeNanos) {
        this.archive = archive;
        this.compression = compression;
        this.keepsAsSent = keepsAsSent;
        this.commits = commits;
        this.events = events;
        this.name = name;
        this.size = size;
        this.received = new ReceivedBytes(name, size);
        this.mtimeNanos = mtimeNanos;
        this.directory = archive.layout().directoryOf(name);
        this.destination = archive.layout().pathOf(name);
        this.content = new IncomingContent(archive, name, size);
        this.temp = UnfinishedUploads.tempFor(destination);
    }

    private void open() throws IngestException {
        try {
            channel = createTemp(directory, temp);
            UploadTemps.live(temp);
            if (!keepsAsSent) {
                sink = compression.sink(channel, size);
            }
        } catch (IOException e) {
            throw failed("cannot create a file for " + name.name() + " in " + directory, e);
        }
    }

    /**
     * Barman removes a hash directory once it deleted the last file in it (barman delete, retention), without
     * the xlog.db lock; if that happens between creating the directory and the file, create both again.
     */
    private static FileChannel createTemp(Path directory, Path temp) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Durable.createDirectories(directory);
            try {
                return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void write(ByteBuffer chunk) throws IngestException {
        received.add(chunk);
        content.take(chunk);
        if (keepsAsSent) {
            return;
        }
        if (channel == null) {
            open();
        }
        try {
            sink.write(chunk);
        } catch (IOException e) {
            throw failed("cannot write " + temp, e);
        }
    }

    @Override
    public void asSent(ByteBuffer encoded) throws IngestException {
        if (!keepsAsSent) {
            return;
        }
        if (channel == null) {
            open();
        }
        try {
            while (encoded.hasRemaining()) {
                channel.write(encoded);
            }
        } catch (IOException e) {
            throw failed("cannot write " + temp, e);
        }
    }

    @Override
    public CompletionStage<Outcome> finish(int crc32c) throws IngestException {
        boolean handedOver = false;
        try {
            received.checkComplete(crc32c);
            content.checkText();
            XlogDbLine line;
            try {
                if (sink != null) {
                    sink.finish();
                    // The codec's context goes back to its pool now: the commit below may wait a while.
                    sink.close();
                }
                // The stored file keeps the source's modification time, as Barman's archiver does (copystat), so
                // that barman rebuild-xlogdb finds the time xlog.db says; set before the fsync that persists it.
                Files.setLastModifiedTime(temp, FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS));
                channel.force(true);
                channel.close();
                closed = true;
                // Everything that can refuse the file happens before it is renamed into place: once it is there,
                // only the index line remains to be written.
                line = XlogDbLine.of(name.name(), temp, mtimeNanos);
            } catch (IOException e) {
                throw failed("cannot store " + destination, e);
            }
            CompletableFuture<Outcome> stored = CompletableFuture.supplyAsync(() -> commit(line), commits);
            handedOver = true;
            return stored;
        } catch (RejectedExecutionException e) {
            throw new IngestException(ReplyCode.FAILED, "the receiver is stopping; retry");
        } finally {
            if (!handedOver) {
                abort();
            }
        }
    }

    /** On a thread of its own, since it may wait for Barman's lock; every failure becomes the outcome. */
    private Outcome commit(XlogDbLine line) {
        try {
            return commitLocked(line);
        } catch (IngestException e) {
            return e.outcome();
        } catch (IOException e) {
            return new Outcome(ReplyCode.FAILED, "cannot store " + destination + ": " + e.getMessage());
        } finally {
            deleteTemp();
        }
    }

    private Outcome commitLocked(XlogDbLine line) throws IOException, IngestException {
        XlogDb xlogDb = archive.xlogDb();
        try (XlogDb.Held lock = xlogDb.lock()) {
            if (Files.exists(destination)) {
                if (!PlainContent.same(destination, temp)) {
                    return archive.conflict(name.name());
                }
                archive.record(name.name(), destination, new PlainChecksums.Sum(received.count(),
                        received.crc32c(), Compression.of(destination)), mtimeNanos);
                return ServerArchive.alreadyStored(name.name());
            }
            Optional<WalPageHeader> header = content.header();
            if (header.isPresent()) {
                // Again under the lock: another upload may have pinned the cluster since the header was read.
                archive.checkCluster(name.name(), header.get());
            }
            Files.move(temp, destination);
            Durable.syncDirectory(directory);
            archive.checksums().add(name.name(), new PlainChecksums.Sum(received.count(), received.crc32c(),
                    line.compression()));
            xlogDb.append(line);
            events.stored(archive.name(), line.storedSize());
            header.ifPresent(archive::pin);
            return new Outcome(ReplyCode.STORED, name.name() + " stored");
        }
    }

    @Override
    public void abort() {
        if (channel == null) {
            return;
        }
        try {
            if (!closed) {
                closed = true;
                channel.close();
            }
        } catch (IOException e) {
            LOG.warning("cannot close " + temp + ": " + e.getMessage());
        } finally {
            if (sink != null) {
                sink.close();
            }
            deleteTemp();
        }
    }

    private void deleteTemp() {
        UploadTemps.done(temp);
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warning("cannot remove " + temp + ": " + e.getMessage());
        }
    }

    private IngestException failed(String what, IOException e) {
        return new IngestException(ReplyCode.FAILED, what + ": " + e.getMessage(), e);
    }
}
