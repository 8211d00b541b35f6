package io.walship.agent.push;

import io.netty.channel.ChannelHandlerContext;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.Exchange;
import io.walship.agent.net.FileUpload;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.WireEncoding;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One upload: PUT and the file's chunks, in the encoding the agent is configured for where the receiver's WELCOME
 * offers it, then the receiver's REPLY.
 */
final class PushExchange extends Exchange<Reply> {

    private final AgentConfig config;
    private final Put plain;
    private final Path file;
    private FileUpload upload;

    /** {@code plain} says what to upload; its encoding is chosen once the receiver said what it takes. */
    PushExchange(AgentConfig config, Put plain, Path file) {
        this.config = config;
        this.plain = plain;
        this.file = file;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        WireEncoding encoding = config.wireCompression().allowed(welcome().capabilities());
        try {
            upload = FileUpload.of(file, plain.size(), encoding);
        } catch (IOException e) {
            fail(ctx, new IOException("cannot read " + file + ": " + e.getMessage(), e));
            return;
        }
        ctx.write(new Put(plain.server(), plain.name(), plain.size(), plain.mtimeNanos(), encoding));
        ctx.writeAndFlush(upload).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, f.cause());
            }
        });
    }

    @Override
    protected void receive(ChannelHandlerContext ctx, Message message) {
        if (message instanceof Reply reply) {
            complete(ctx, reply);
        } else {
            fail(ctx, new IOException("unexpected " + message.getClass().getSimpleName() + " from the receiver"));
        }
    }

    @Override
    protected void cleanUp() {
        if (upload != null) {
            upload.close();
        }
    }
}
