package io.walship.agent.net;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walship.protocol.ContextPool;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WholeFileZstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A file as one zstd frame (with the receiver's own parameters, {@link WalZstd}) in {@link Data} frames, then
 * {@link End} with the CRC-32C of the plain bytes. Each byte is read once into a direct buffer, checksummed and
 * compressed from there: a file of up to a default segment whole, in one call ({@link WholeFileZstd}, less
 * CPU than streaming it), a larger one streamed only as fast as the connection drains. Contexts are reused.
 */
final class ZstdFileChunks implements FileUpload {

    private static final int READ = 1 << 20;
    private static final ContextPool<Buffers> POOL = new ContextPool<>(4, buffers -> buffers.ctx().close());

    private record Buffers(ZstdCompressCtx ctx, ByteBuffer input) {
    }

    private final SourceFile file;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private WholeFileZstd whole;
    /** The whole file's frame, being sent. */
    private ByteBuffer frame;
    private Buffers buffers;
    private long position;
    private boolean read;
    private boolean compressed;
    private boolean ended;

    ZstdFileChunks(Path path, long size) throws IOException {
        this.file = new SourceFile(path, size);
        this.size = size;
        if (WholeFileZstd.fits(size)) {
            whole = WholeFileZstd.take(size);
            return;
        }
        Buffers taken = POOL.take(() -> new Buffers(new ZstdCompressCtx(), ByteBuffer.allocateDirect(READ)));
        WalZstd.configure(taken.ctx(), size);
        taken.input().clear().limit(0);
        this.buffers = taken;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) throws IOException {
        if (ended) {
            return null;
        }
        if (compressed) {
            file.checkNotGrown();
            ended = true;
            return new End((int) crc.getValue());
        }
        if (whole != null) {
            return nextOfWhole(allocator);
        }
        ByteBuf frame = allocator.directBuffer(Limits.MAX_CHUNK);
        try {
            ByteBuffer out = frame.nioBuffer(0, Limits.MAX_CHUNK);
            ByteBuffer input = buffers.input();
            while (out.hasRemaining() && !compressed) {
                if (!input.hasRemaining() && !read) {
                    fill(input);
                }
                compressed = buffers.ctx().compressDirectByteBufferStream(out, input,
                        read ? EndDirective.END : EndDirective.CONTINUE) && read;
            }
            frame.writerIndex(out.position());
        } catch (IOException | RuntimeException e) {
            frame.release();
            throw e;
        }
        return new Data(frame);
    }

    private Message nextOfWhole(ByteBufAllocator allocator) throws IOException {
        if (frame == null) {
            ByteBuffer plain = whole.plain();
            file.readFully(plain, 0);
            crc.update(plain.duplicate().flip());
            position = size;
            frame = whole.compress();
        }
        int n = Math.min(Limits.MAX_CHUNK, frame.remaining());
        ByteBuf chunk = allocator.directBuffer(n);
        chunk.writeBytes(frame.slice(frame.position(), n));
        frame.position(frame.position() + n);
        compressed = !frame.hasRemaining();
        return new Data(chunk);
    }

    private void fill(ByteBuffer input) throws IOException {
        input.clear().limit((int) Math.min(READ, size - position));
        file.readFully(input, position);
        input.flip();
        crc.update(input.duplicate());
        position += input.remaining();
        read = position == size;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return position;
    }

    @Override
    public void close() {
        file.close();
        if (whole != null) {
            whole.close();
            whole = null;
        }
        POOL.give(buffers);
        buffers = null;
    }
}
