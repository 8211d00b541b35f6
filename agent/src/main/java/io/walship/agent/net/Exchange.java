package io.walship.agent.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walship.protocol.Message;
import io.walship.protocol.Welcome;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One conversation with the receiver on a fresh connection: the request once the receiver says
 * WELCOME, then the answers. Subclasses say what to send and what the answers mean.
 */
public abstract class Exchange<T> extends SimpleChannelInboundHandler<Message> {

    final CompletableFuture<T> result = new CompletableFuture<>();
    private Welcome welcome;

    /** Sends the request; the protocol version is agreed. */
    protected abstract void start(ChannelHandlerContext ctx);

    /** Handles every message after WELCOME; must end with {@link #complete} or {@link #fail}. */
    protected abstract void receive(ChannelHandlerContext ctx, Message message) throws IOException;

    /** What the receiver agreed to; null until it did. */
    protected final Welcome welcome() {
        return welcome;
    }

    /** Releases whatever the exchange holds; called once, whatever the outcome. */
    protected void cleanUp() {
    }

    protected final void complete(ChannelHandlerContext ctx, T value) {
        result.complete(value);
        ctx.close();
    }

    protected final void fail(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, Message message) throws IOException {
        if (message instanceof Welcome agreed) {
            welcome = agreed;
            start(ctx);
        } else {
            receive(ctx, message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.completeExceptionally(new IOException("the receiver closed the connection without an answer"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }
}
