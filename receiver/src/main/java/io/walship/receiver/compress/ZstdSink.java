package io.walship.receiver.compress;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * zstd straight between direct buffers: the network's buffers go into the compressor and its output
 * into the file without passing through the Java heap, and compression contexts (a few MiB of tables
 * each) are reused across files rather than allocated and cleared for every segment.
 */
final class ZstdSink implements CompressingSink {

    /** zstd's default level: about as fast as lz4 on WAL while storing far less. */
    private static final int LEVEL = 3;
    /**
     * Level 3 with a 64 KiB long-match table (chainLog 14, the level's own is 16): on real WAL about 8% less
     * CPU and slightly smaller files, the smaller table staying in cache (see benchmarks/RESULTS.md).
     */
    private static final int CHAIN_LOG = 14;
    private static final int STAGING = 256 * 1024;
    private static final int POOLED = 16;
    private static final ConcurrentLinkedQueue<ZstdSink.Buffers> POOL = new ConcurrentLinkedQueue<>();
    /** Nothing more to compress: the input of the final call. The compressor never writes to it. */
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);
    private static final int OUTPUT = 1024 * 1024;

    /** A context with the buffers it writes through; taken by one file at a time. */
    private record Buffers(ZstdCompressCtx ctx, ByteBuffer output, ByteBuffer staging) {
    }

    private final WritableByteChannel out;
    private Buffers buffers;

    ZstdSink(WritableByteChannel out, long plainSize) {
        this.out = out;
        Buffers taken = POOL.poll();
        if (taken == null) {
            taken = new Buffers(new ZstdCompressCtx(), ByteBuffer.allocateDirect(OUTPUT),
                    ByteBuffer.allocateDirect(STAGING));
        }
        taken.ctx().reset();
        // The size in the frame header lets the compressor size its window to the file and readers
        // allocate once; the content checksum makes a file damaged on disk fail loudly on restore.
        taken.ctx().setLevel(LEVEL).setChainLog(CHAIN_LOG).setChecksum(true).setPledgedSrcSize(plainSize);
        taken.output().clear();
        this.buffers = taken;
    }

    @Override
    public void write(ByteBuffer plain) throws IOException {
        if (plain.isDirect()) {
            compress(plain, EndDirective.CONTINUE);
            return;
        }
        ByteBuffer staging = buffers.staging();
        while (plain.hasRemaining()) {
            staging.clear();
            int n = Math.min(staging.remaining(), plain.remaining());
            staging.put(staging.position(), plain, plain.position(), n).limit(n);
            plain.position(plain.position() + n);
            compress(staging, EndDirective.CONTINUE);
        }
    }

    @Override
    public void finish() throws IOException {
        compress(NO_INPUT, EndDirective.END);
        drain();
    }

    /** Feeds {@code input} to the compressor, writing out its output whenever the output buffer fills. */
    private void compress(ByteBuffer input, EndDirective directive) throws IOException {
        while (true) {
            boolean flushed = buffers.ctx().compressDirectByteBufferStream(buffers.output(), input, directive);
            if (directive == EndDirective.END ? flushed : !input.hasRemaining()) {
                return;
            }
            drain();
        }
    }

    private void drain() throws IOException {
        ByteBuffer output = buffers.output();
        output.flip();
        while (output.hasRemaining()) {
            out.write(output);
        }
        output.clear();
    }

    @Override
    public void close() {
        Buffers released = buffers;
        buffers = null;
        if (released == null) {
            return;
        }
        if (POOL.size() < POOLED) {
            POOL.offer(released);
        } else {
            released.ctx().close();
        }
    }
}
