package io.walship.agent.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.walship.protocol.Message;
import io.walship.protocol.WireEncoding;
import java.io.IOException;
import java.nio.file.Path;

/** A file as the DATA frames and the END of an upload, in one {@link WireEncoding}. */
public interface FileUpload extends ChunkedInput<Message>, AutoCloseable {

    /** Closing a file only read from cannot lose data: no checked failure. */
    @Override
    void close();

    @Deprecated
    @Override
    default Message readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    /** {@code size} bytes of {@code file}, sent in {@code encoding}. */
    static FileUpload of(Path file, long size, WireEncoding encoding) throws IOException {
        return switch (encoding) {
            case PLAIN -> new FileChunks(file, size);
            case ZSTD -> new ZstdFileChunks(file, size);
        };
    }
}
