package io.walship.receiver.compress;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import io.walship.protocol.ContextPool;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WholeFileZstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * zstd between direct buffers, the output into the file without passing through the Java heap. A file of up to a
 * default segment is gathered and compressed in one call ({@link WholeFileZstd}: less CPU on WAL than
 * streaming it); a larger one is streamed as it arrives. Contexts and buffers are reused across files.
 */
final class ZstdSink implements CompressingSink {

    private static final int STAGING = 256 * 1024;
    private static final ContextPool<Buffers> POOL = new ContextPool<>(16, buffers -> buffers.ctx().close());
    /** Nothing more to compress: the input of the final call. The compressor never writes to it. */
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);
    private static final int OUTPUT = 1024 * 1024;

    /** A streaming context with the buffers it writes through; taken by one file at a time. */
    private record Buffers(ZstdCompressCtx ctx, ByteBuffer output, ByteBuffer staging) {
    }

    private final WritableByteChannel out;
    private WholeFileZstd whole;
    private Buffers buffers;

    ZstdSink(WritableByteChannel out, long plainSize) {
        this.out = out;
        if (WholeFileZstd.fits(plainSize)) {
            whole = WholeFileZstd.take(plainSize);
            return;
        }
        Buffers taken = POOL.take(() -> new Buffers(new ZstdCompressCtx(), ByteBuffer.allocateDirect(OUTPUT),
                ByteBuffer.allocateDirect(STAGING)));
        WalZstd.configure(taken.ctx(), plainSize);
        taken.output().clear();
        this.buffers = taken;
    }

    @Override
    public void write(ByteBuffer plain) throws IOException {
        if (whole != null) {
            ByteBuffer gathered = whole.plain();
            if (plain.remaining() > gathered.remaining()) {
                throw new IOException("more bytes than the file's announced size");
            }
            gathered.put(plain);
            return;
        }
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
        if (whole != null) {
            ByteBuffer frame = whole.compress();
            while (frame.hasRemaining()) {
                out.write(frame);
            }
            return;
        }
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
        if (whole != null) {
            whole.close();
            whole = null;
        }
        POOL.give(buffers);
        buffers = null;
    }
}
