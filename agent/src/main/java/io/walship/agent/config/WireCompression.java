package io.walship.agent.config;

import io.walship.protocol.Capabilities;
import io.walship.protocol.WireEncoding;

/** {@code wire_compression} in {@code [agent]}: which host compresses what the agent uploads. */
public enum WireCompression {
    /** This host compresses every upload: the fewest bytes on the wire, and compress once where stored as zstd. */
    ZSTD,
    /** Plain uploads: the receiver compresses all, for PostgreSQL hosts whose CPU is scarcer than the link. */
    NONE,
    /**
     * The default: the agent compresses one upload at a time and sends those it starts meanwhile plain, for the
     * receiver to compress: on a backlog both hosts' CPUs work, at most one of this host's cores. A single push
     * compresses its file.
     */
    SHARED;

    /** What an upload may be sent as at most, given the receiver's WELCOME: zstd only where it takes zstd. */
    public WireEncoding allowed(long receiverCapabilities) {
        return this != NONE && Capabilities.has(receiverCapabilities, Capabilities.ZSTD_UPLOADS)
                ? WireEncoding.ZSTD : WireEncoding.PLAIN;
    }
}
