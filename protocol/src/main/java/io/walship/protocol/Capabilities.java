package io.walship.protocol;

/**
 * Bits of {@link Welcome#capabilities()}: requests a receiver answers beyond those of its protocol version, so that
 * an agent can tell a receiver too old for one from a receiver that failed at it.
 */
public final class Capabilities {

    /** The receiver answers {@link Check}. */
    public static final long CHECK = 1L;
    /** The receiver takes uploads encoded as {@link WireEncoding#ZSTD}. */
    public static final long ZSTD_UPLOADS = 2L;
    /**
     * The receiver takes {@link Get}s that accept {@link WireEncoding#ZSTD} and answers them with the stored zstd
     * frame as it is ({@link ReplyCode#FOUND_ZSTD}) where it has one.
     */
    public static final long ZSTD_DOWNLOADS = 4L;
    /** What this build's receiver answers. */
    public static final long CURRENT = CHECK | ZSTD_UPLOADS | ZSTD_DOWNLOADS;

    private Capabilities() {
    }

    public static boolean has(long capabilities, long wanted) {
        return (capabilities & wanted) == wanted;
    }
}
