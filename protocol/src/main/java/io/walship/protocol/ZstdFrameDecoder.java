package io.walship.protocol;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.nio.ByteBuffer;

/**
 * Decodes a file that came as one zstd frame (an upload on the receiver, a download on the agent), as it arrives,
 * into pieces of one bounded buffer. Compressed input is hostile input like any other: it never yields more than
 * the announced plain size (a frame that expands further is refused at the first byte past it), takes no window
 * larger than {@link WalZstd#MAX_WINDOW_LOG}, and refuses anything but a zstd frame first, anything after that
 * frame's end and a file that ends inside it. Its memory is the window and two buffers, whatever the input;
 * contexts are reused across files.
 *
 * <p>Pull-style: {@link #feed} the next wire bytes, then take {@link #next} until it returns null.
 */
public final class ZstdFrameDecoder implements AutoCloseable {

    private static final int OUTPUT = 256 * 1024;
    private static final int STAGING = 256 * 1024;
    private static final byte[] MAGIC = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD};
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);
    private static final ContextPool<Buffers> POOL = new ContextPool<>(16, buffers -> buffers.ctx().close());

    private record Buffers(ZstdDecompressCtx ctx, ByteBuffer output, ByteBuffer staging) {
    }

    private final long plainSize;
    private Buffers buffers;
    /** What the decoder reads from: the wire bytes themselves when direct, else a piece of them copied. */
    private ByteBuffer input = EMPTY;
    private ByteBuffer pending = EMPTY;
    private int magicSeen;
    private long produced;
    private boolean outputWasFull;
    private boolean frameEnded;

    public ZstdFrameDecoder(long plainSize) {
        this.plainSize = plainSize;
        Buffers taken = POOL.take(() -> new Buffers(new ZstdDecompressCtx(), ByteBuffer.allocateDirect(OUTPUT),
                ByteBuffer.allocateDirect(STAGING)));
        // A reset clears the parameters too: the limit is set again for every file.
        taken.ctx().reset();
        taken.ctx().setLongMax(WalZstd.MAX_WINDOW_LOG);
        this.buffers = taken;
    }

    /** The next bytes as they came over the wire; read until {@link #next} returns null, then feed more. */
    public void feed(ByteBuffer encoded) {
        pending = encoded;
    }

    /** The next piece of plain bytes, valid until the next call; null once everything fed is decoded. */
    public ByteBuffer next() throws BadEncodingException {
        while (true) {
            if (!input.hasRemaining() && !outputWasFull) {
                if (!pending.hasRemaining()) {
                    return null;
                }
                takePending();
            }
            if (frameEnded) {
                throw new BadEncodingException("there are bytes after the end of its zstd frame");
            }
            ByteBuffer output = buffers.output().clear();
            boolean ended;
            try {
                ended = buffers.ctx().decompressDirectByteBufferStream(output, input);
            } catch (ZstdException e) {
                throw new BadEncodingException("its zstd frame does not decode (" + e.getMessage() + ")");
            }
            output.flip();
            outputWasFull = output.remaining() == output.capacity();
            produced += output.remaining();
            if (produced > plainSize) {
                throw new BadEncodingException("its zstd frame holds more than the announced " + plainSize
                        + " bytes");
            }
            if (ended) {
                frameEnded = true;
                outputWasFull = false;
            }
            if (output.hasRemaining()) {
                return output;
            }
        }
    }

    /** The wire bytes ended: the frame must have too. */
    public void finish() throws BadEncodingException {
        if (!frameEnded) {
            throw new BadEncodingException("it ended inside its zstd frame (truncated)");
        }
    }

    private void takePending() throws BadEncodingException {
        if (pending.isDirect()) {
            input = pending;
            pending = EMPTY;
        } else {
            ByteBuffer staging = buffers.staging().clear();
            int n = Math.min(staging.remaining(), pending.remaining());
            staging.put(0, pending, pending.position(), n).limit(n);
            pending.position(pending.position() + n);
            input = staging;
        }
        checkMagic();
    }

    /** Only a zstd frame: the decoder would also skip over skippable frames, which nothing of walship sends. */
    private void checkMagic() throws BadEncodingException {
        for (int i = input.position(); magicSeen < MAGIC.length && i < input.limit(); i++, magicSeen++) {
            if (input.get(i) != MAGIC[magicSeen]) {
                throw new BadEncodingException("it is not a zstd frame");
            }
        }
    }

    @Override
    public void close() {
        POOL.give(buffers);
        buffers = null;
    }
}
