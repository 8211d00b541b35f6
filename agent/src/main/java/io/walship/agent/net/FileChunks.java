package io.walship.agent.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A file as a stream of {@link Data} frames followed by {@link End} with the CRC-32C of what was sent.
 * Reads each byte once, and only as fast as the connection drains (ChunkedWriteHandler pulls chunks).
 */
public final class FileChunks implements FileUpload {

    private final SourceFile file;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private long position;
    private boolean ended;

    public FileChunks(Path path, long size) throws IOException {
        this.file = new SourceFile(path, size);
        this.size = size;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) throws IOException {
        if (ended) {
            return null;
        }
        if (position == size) {
            file.checkNotGrown();
            ended = true;
            return new End((int) crc.getValue());
        }
        int length = (int) Math.min(Limits.MAX_CHUNK, size - position);
        ByteBuf buffer = allocator.ioBuffer(length);
        try {
            file.readFully(buffer.nioBuffer(0, length), position);
            buffer.writerIndex(length);
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
