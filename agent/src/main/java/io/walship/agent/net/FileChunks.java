package io.walship.agent.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A file as a stream of {@link Data} frames followed by {@link End} with the CRC-32C of what was sent.
 * Reads each byte once, and only as fast as the connection drains (ChunkedWriteHandler pulls chunks).
 */
public final class FileChunks implements FileUpload {

    private final Path path;
    private final FileChannel file;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private long position;
    private boolean ended;

    public FileChunks(Path path, long size) throws IOException {
        this.path = path;
        this.file = FileChannel.open(path, StandardOpenOption.READ);
        this.size = size;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    /** Closing a read-only file cannot lose data, so a failure to close is not worth a failed push. */
    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(FileChunks.class.getName()).fine("closing " + path + ": " + e);
        }
    }

    @Deprecated
    @Override
    public Message readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) throws IOException {
        if (ended) {
            return null;
        }
        if (position == size) {
            if (file.read(ByteBuffer.allocate(1), position) > 0) {
                throw new IOException(path + " grew while it was being sent; it is still being written");
            }
            ended = true;
            return new End((int) crc.getValue());
        }
        int length = (int) Math.min(Limits.MAX_CHUNK, size - position);
        ByteBuf buffer = allocator.ioBuffer(length);
        try {
            while (buffer.readableBytes() < length) {
                int n = buffer.writeBytes(file, position + buffer.readableBytes(), length - buffer.readableBytes());
                if (n < 0) {
                    throw new IOException(path + " shrank while it was being sent (expected " + size + " bytes)");
                }
            }
        } catch (IOException e) {
            buffer.release();
            throw e;
        }
        crc.update(buffer.nioBuffer());
        position += length;
        return new Data(buffer);
    }

    @Override
    public long length() {
        return size;
    }

    @Override
    public long progress() {
        return position;
    }
}
