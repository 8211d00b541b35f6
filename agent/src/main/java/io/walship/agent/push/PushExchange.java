package io.walship.agent.push;

import io.netty.channel.ChannelHandlerContext;
import io.walship.agent.net.Exchange;
import io.walship.agent.net.FileChunks;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import java.io.IOException;

/** One upload: PUT and the file's chunks, then the receiver's REPLY. */
final class PushExchange extends Exchange<Reply> {

    private final Put put;
    private final FileChunks chunks;

    PushExchange(Put put, FileChunks chunks) {
        this.put = put;
        this.chunks = chunks;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        ctx.write(put);
        ctx.writeAndFlush(chunks).addListener(f -> {
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
        chunks.close();
    }
}
