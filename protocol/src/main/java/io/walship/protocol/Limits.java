package io.walship.protocol;

/** Hard limits of the wire format; anything larger is a protocol error, not a bigger buffer. */
public final class Limits {

    /** Bytes of file content per {@link Data} frame a sender may use. */
    public static final int MAX_CHUNK = 1024 * 1024;
    /** Longest frame body (type byte included); one chunk plus headroom. */
    public static final int MAX_FRAME = MAX_CHUNK + 1;
    /** Longest string field in UTF-8 bytes (server and file names). */
    public static final int MAX_NAME = 255;
    /** Longest human message in a reply, in UTF-8 bytes. */
    public static final int MAX_MESSAGE = 4096;
    /** Most items in one {@link CheckReport}. */
    public static final int MAX_CHECK_ITEMS = 32;
    /** Bytes of the length prefix of every frame. */
    public static final int LENGTH_PREFIX = 4;

    private Limits() {
    }
}
