package io.walship.receiver.store;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/** One file being received. Either {@link #finish} or {@link #abort} ends it. */
public interface Ingest {

    /** Takes the next bytes of the plain file, in order. */
    void write(ByteBuffer chunk) throws IngestException;

    /**
     * The next bytes as the client sent them, before they are decoded for {@link #write} (see
     * {@link DecodingIngest}): an ingest that stores the client's own encoding writes these; the others need only
     * the plain bytes.
     */
    default void asSent(ByteBuffer encoded) throws IngestException {
    }

    /**
     * Verifies size and checksum and makes the bytes durable on the calling thread, which never waits for a lock;
     * the returned stage completes, on a thread of the store's, once the file is stored and indexed or why not.
     * It never completes exceptionally: every failure is an {@link Outcome}.
     */
    CompletionStage<Outcome> finish(int crc32c) throws IngestException;

    /** Drops whatever was written so far; safe to call at any time, more than once. */
    void abort();
}
