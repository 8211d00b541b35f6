package io.walship.protocol;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;

/**
 * A file of up to {@link #MAX_SIZE} bytes gathered in one buffer, then compressed in one call ({@link WalZstd}'s
 * parameters). On real WAL zstd costs more CPU when it is streamed the same bytes in 1 MiB pieces (1.15x in JMH,
 * more beside the network's work in the receiver: it copies them into a window of 2 MiB it wraps around, and
 * matches across the wrap cost more) than in one call on the whole segment (see benchmarks/RESULTS.md); holding
 * a default-sized segment twice, plain and compressed, is what that costs in memory. Larger files are streamed.
 * The agent and the receiver compress alike, so that what the agent sends is what the receiver would have stored. Buffers and context are reused across files.
 */
public final class WholeFileZstd implements AutoCloseable {

    /** PostgreSQL's default segment size. */
    public static final int MAX_SIZE = 16 << 20;
    private static final ContextPool<WholeFileZstd> POOL = new ContextPool<>(4, WholeFileZstd::free);

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private ByteBuffer plain;
    private ByteBuffer compressed;
    private long size;
    private boolean taken;

    private WholeFileZstd() {
    }

    /** Whether a file of {@code size} bytes is compressed whole. */
    public static boolean fits(long size) {
        return size <= MAX_SIZE;
    }

    /** For a file of {@code size} bytes ({@link #fits}); {@link #close} gives it back. */
    public static WholeFileZstd take(long size) {
        if (!fits(size)) {
            throw new IllegalArgumentException(size + " bytes are streamed, not compressed whole");
        }
        WholeFileZstd whole = POOL.take(WholeFileZstd::new);
        whole.size = size;
        whole.taken = true;
        int bound = (int) Zstd.compressBound(size);
        if (whole.plain == null || whole.plain.capacity() < size) {
            whole.plain = ByteBuffer.allocateDirect((int) size);
        }
        if (whole.compressed == null || whole.compressed.capacity() < bound) {
            whole.compressed = ByteBuffer.allocateDirect(bound);
        }
        whole.plain.clear().limit((int) size);
        return whole;
    }

    /** Where the file's bytes go, up to its size. */
    public ByteBuffer plain() {
        return plain;
    }

    /** Compresses what {@link #plain} holds (all of the file) and returns the one zstd frame, to be read. */
    public ByteBuffer compress() {
        if (plain.position() != size) {
            throw new IllegalStateException("compressing " + plain.position() + " of " + size + " bytes");
        }
        plain.flip();
        WalZstd.configure(ctx, size);
        compressed.clear();
        int n = ctx.compressDirectByteBuffer(compressed, 0, compressed.capacity(), plain, 0, plain.limit());
        return compressed.clear().limit(n);
    }

    @Override
    public void close() {
        if (taken) {
            taken = false;
            POOL.give(this);
        }
    }

    private static void free(WholeFileZstd whole) {
        whole.ctx.close();
    }
}
