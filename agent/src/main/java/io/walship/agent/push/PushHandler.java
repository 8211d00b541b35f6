package io.walship.agent.push;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.walship.protocol.Hello;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.Welcome;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** One upload: HELLO after the TLS handshake, PUT and the file after WELCOME, then wait for the REPLY. */
final class PushHandler extends SimpleChannelInboundHandler<Message> {

    private final Put put;
    private final FileChunks chunks;
    private final CompletableFuture<Reply> result;

    PushHandler(Put put, FileChunks chunks, CompletableFuture<Reply> result) {
        this.put = put;
        this.chunks = chunks;
        this.result = result;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                ctx.writeAndFlush(Hello.current());
            } else {
                result.completeExceptionally(handshake.cause());
                ctx.close();
            }
        } else if (event instanceof IdleStateEvent) {
            result.completeExceptionally(new IOException("the receiver did not answer for too long"));
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message message) {
        switch (message) {
            case Welcome welcome -> {
                ctx.write(put);
                ctx.writeAndFlush(chunks).addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(f.cause());
                        ctx.close();
                    }
                });
            }
            case Reply reply -> {
                result.complete(reply);
                ctx.close();
            }
            default -> {
                result.completeExceptionally(new IOException("unexpected "
                        + message.getClass().getSimpleName() + " from the receiver"));
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.completeExceptionally(new IOException("the receiver closed the connection without an answer"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(cause);
        ctx.close();
    }
}
