package io.walship.protocol;

import com.github.luben.zstd.ZstdCompressCtx;

/**
 * The zstd walship compresses WAL with, on the agent for the wire and on the receiver for storage: one definition,
 * so that what an agent sends a server that stores zstd is what the receiver would have written itself, and is
 * kept as it came.
 */
public final class WalZstd {

    /** zstd's default level: about as fast as lz4 on WAL while storing far less. */
    public static final int LEVEL = 3;
    /**
     * Level 3 with a 64 KiB long-match table (chainLog 14, the level's own is 16): on real WAL about 8% less
     * CPU and slightly smaller files, the smaller table staying in cache (see benchmarks/RESULTS.md).
     */
    public static final int CHAIN_LOG = 14;
    /**
     * The largest window a receiver decodes an upload with (16 MiB): level 3 uses 2 MiB, and a frame that asks for
     * more only makes each upload hold more memory.
     */
    public static final int MAX_WINDOW_LOG = 24;

    private WalZstd() {
    }

    /**
     * {@code ctx}, reset for a new file of {@code plainSize} bytes: the size in the frame header lets readers
     * allocate once, and the content checksum makes a file damaged on disk fail loudly on restore.
     */
    public static ZstdCompressCtx configure(ZstdCompressCtx ctx, long plainSize) {
        ctx.reset();
        ctx.setLevel(LEVEL).setChainLog(CHAIN_LOG).setChecksum(true).setPledgedSrcSize(plainSize);
        return ctx;
    }
}
