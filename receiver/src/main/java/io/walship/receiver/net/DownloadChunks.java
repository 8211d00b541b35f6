package io.walship.receiver.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.store.StoredZstd;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * A stored file's bytes as {@link Data} frames of {@link Limits#MAX_CHUNK}, then {@link End} with the CRC-32C of
 * the plain file: computed over the bytes sent when they are the plain ones, the one recorded at store time when
 * they are the stored zstd frame (the agent decodes it and compares). If the stored copy turns out damaged halfway
 * (a codec checksum fails), the stream ends with a FAILED {@link Reply} instead, so the agent never mistakes a
 * truncated file for a whole one.
 */
final class DownloadChunks implements ChunkedInput<Message> {

    private final String what;
    private final InputStream in;
    /** Null while the bytes sent are the plain ones, whose checksum is computed as they are read. */
    private final Integer recordedCrc;
    private final CRC32C crc = new CRC32C();
    private long sent;
    private boolean ended;

    private DownloadChunks(String what, InputStream in, Integer recordedCrc) {
        this.what = what;
        this.in = in;
        this.recordedCrc = recordedCrc;
    }

    /** The plain bytes as they are read. */
    static DownloadChunks plain(String what, InputStream plain) {
        return new DownloadChunks(what, plain, null);
    }

    /** The stored zstd frame as it is, ended with the plain bytes' recorded checksum. */
    static DownloadChunks stored(String what, StoredZstd stored) {
        return new DownloadChunks(what, stored.frame(), stored.plainCrc32c());
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    @Deprecated
    @Override
    public Message readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) {
        if (ended) {
            return null;
        }
        ByteBuf chunk = allocator.buffer(Limits.MAX_CHUNK);
        try {
            // One read may return less than asked for: fill the frame, unless the file ends first.
            int read;
            do {
                read = chunk.writeBytes(in, chunk.writableBytes());
            } while (read > 0 && chunk.isWritable());
        } catch (IOException e) {
            chunk.release();
            ended = true;
            return new Reply(ReplyCode.FAILED, "the archived copy of " + what + " is damaged (" + e.getMessage()
                    + "); restore it from another copy of the archive");
        }
        if (!chunk.isReadable()) {
            chunk.release();
            ended = true;
            return new End(recordedCrc != null ? recordedCrc : (int) crc.getValue());
        }
        if (recordedCrc == null) {
            crc.update(chunk.nioBuffer());
        }
        sent += chunk.readableBytes();
        return new Data(chunk);
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return sent;
    }
}
