package io.walship.protocol;

/** Outcomes of a request; the wire value is the ordinal-independent {@link #wire} byte. */
public enum ReplyCode {
    /** The file is durably stored and indexed. */
    STORED(0),
    /** An identical file was already durably stored; nothing changed. */
    ALREADY_STORED(1),
    /** A different file is stored under that name; it was left untouched. */
    CONFLICT(2),
    /** The request is wrong or not allowed (name, size, header, system identifier, authorization). */
    REJECTED(3),
    /** The receiver failed (disk, lock, internal error); the request may be retried. */
    FAILED(4),
    /** The requested file is not in the archive. */
    NOT_FOUND(5),
    /** The requested file follows: {@link Data} frames, then {@link End}. */
    FOUND(6),
    /** The receiver is at one of its limits (connections, uploads); nothing was done, retry shortly. */
    BUSY(7),
    /**
     * The requested file follows as one zstd frame of it ({@link Data} frames), then {@link End} with the CRC-32C
     * of the plain file; only to a {@link Get} that accepts zstd.
     */
    FOUND_ZSTD(8);

    public final int wire;

    ReplyCode(int wire) {
        this.wire = wire;
    }

    public boolean isArchived() {
        return this == STORED || this == ALREADY_STORED;
    }

    /** Whether the file follows, plain or as stored. */
    public boolean isFound() {
        return this == FOUND || this == FOUND_ZSTD;
    }

    public static ReplyCode fromWire(int wire) {
        for (ReplyCode code : values()) {
            if (code.wire == wire) {
                return code;
            }
        }
        throw new ProtocolException("unknown reply code " + wire);
    }
}
