package io.walship.receiver.store;

import java.nio.ByteBuffer;

/** One file being received. Either {@link #finish} or {@link #abort} ends it. */
public interface Ingest {

    /** Takes the next bytes of the plain file, in order. */
    void write(ByteBuffer chunk) throws IngestException;

    /** Verifies size and checksum, makes the file durable and indexed, and says how it went. */
    Outcome finish(int crc32c) throws IngestException;

    /** Drops whatever was written so far; safe to call at any time, more than once. */
    void abort();
}
