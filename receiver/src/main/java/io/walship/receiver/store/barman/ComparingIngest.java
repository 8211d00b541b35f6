package io.walship.receiver.store.barman;

import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.check.IncomingContent;
import io.walship.receiver.store.check.ReceivedBytes;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An upload of a name the archive already has (PostgreSQL retries a segment it did not see acknowledged, e.g.
 * after a crash): the incoming plain bytes are compared as they arrive with the stored file's, so that the answer,
 * ALREADY_STORED or CONFLICT, takes no disk space, even on a nearly full disk. A stored file the index does not
 * list is indexed then. A segment's page header is checked first, as for a new file: another cluster's segment
 * under an archived name is refused for its system identifier, not reported as a conflict.
 */
final class ComparingIngest implements Ingest {

    private static final int BUFFER = 64 * 1024;

    private final ServerArchive archive;
    private final Executor commits;
    private final WalFileName name;
    private final long mtimeNanos;
    private final ReceivedBytes received;
    private final Path stored;
    private InputStream plain;
    private byte[] storedBytes;
    private byte[] incomingBytes;
    private final IncomingContent content;
    /** The bytes differ before the header is complete: a conflict only once the header passed its checks. */
    private boolean differs;

    ComparingIngest(ServerArchive archive, Executor commits, WalFileName name, long size, long mtimeNanos,
            Path stored) {
        this.archive = archive;
        this.commits = commits;
        this.name = name;
        this.received = new ReceivedBytes(name, size);
        this.mtimeNanos = mtimeNanos;
        this.stored = stored;
        this.content = new IncomingContent(archive, name, size);
    }

    @Override
    public void write(ByteBuffer chunk) throws IngestException {
        received.add(chunk);
        takeHeader(chunk);
        if (differs) {
            return;
        }
        try {
            if (plain == null) {
                plain = Compression.openPlain(Files.newInputStream(stored));
                storedBytes = new byte[BUFFER];
                incomingBytes = new byte[BUFFER];
            }
            ByteBuffer incoming = chunk.duplicate();
            while (incoming.hasRemaining()) {
                int wanted = Math.min(BUFFER, incoming.remaining());
                int n = plain.readNBytes(storedBytes, 0, wanted);
                incoming.get(incomingBytes, 0, wanted);
                if (n < wanted || Arrays.mismatch(storedBytes, 0, n, incomingBytes, 0, n) >= 0) {
                    if (!content.complete()) {
                        differs = true;
                        return;
                    }
                    throw conflict();
                }
            }
        } catch (NoSuchFileException e) {
            throw removed();
        } catch (IOException e) {
            throw damaged(e);
        }
    }

    /** The checks a new file gets (see BarmanIngest) come first: a conflict only once the header passed them. */
    private void takeHeader(ByteBuffer chunk) throws IngestException {
        boolean wasComplete = content.complete();
        content.take(chunk);
        if (!wasComplete && content.complete() && differs) {
            throw conflict();
        }
    }

    /**
     * The bytes differ: another file, unless the stored one no longer decodes (its codec's checksum tells, once
     * the rest of it is read), which is damage at rest rather than a conflict.
     */
    private IngestException conflict() {
        try {
            plain.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            return damaged(e);
        }
        Outcome conflict = archive.conflict(name.name());
        return new IngestException(conflict.code(), conflict.message());
    }

    private IngestException removed() {
        return new IngestException(ReplyCode.FAILED, name.name() + " was removed from the archive (by Barman's "
                + "retention?) while it was compared with this upload; retry");
    }

    private IngestException damaged(IOException e) {
        return new IngestException(ReplyCode.FAILED, "the archived copy of " + name.name() + " in " + stored
                + " cannot be read to compare it with this upload (" + e.getMessage() + "); run walship verify "
                + "on the backup host, move the damaged copy aside and retry");
    }

    @Override
    public CompletionStage<Outcome> finish(int crc32c) throws IngestException {
        try {
            received.checkComplete(crc32c);
            try {
                if (differs || plain.read() >= 0) {
                    throw conflict();
                }
            } catch (IOException e) {
                throw damaged(e);
            }
            return CompletableFuture.supplyAsync(this::index, commits);
        } catch (RejectedExecutionException e) {
            throw new IngestException(ReplyCode.FAILED, "the receiver is stopping; retry");
        } finally {
            abort();
        }
    }

    /** Identical: the stored file must still be there, and listed. */
    private Outcome index() {
        XlogDb xlogDb = archive.xlogDb();
        try (XlogDb.Held lock = xlogDb.lock()) {
            if (!Files.exists(stored)) {
                return removed().outcome();
            }
            archive.record(name.name(), stored, new PlainChecksums.Sum(received.count(), received.crc32c(),
                    Compression.of(stored)), mtimeNanos);
            return ServerArchive.alreadyStored(name.name());
        } catch (IOException e) {
            return new Outcome(ReplyCode.FAILED, "cannot index " + stored + ": " + e.getMessage());
        }
    }

    @Override
    public void abort() {
        if (plain != null) {
            try {
                plain.close();
            } catch (IOException e) {
                // Only read from; nothing to lose.
            }
            plain = null;
        }
    }
}
