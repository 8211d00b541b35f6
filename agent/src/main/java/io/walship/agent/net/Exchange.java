package io.walship.agent.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.AttributeKey;
import io.walship.protocol.Message;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.Welcome;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One conversation with the receiver: the request once the receiver says WELCOME (or at once on a connection an
 * earlier exchange left warm, see {@link ReceiverClient}), then the answers. Subclasses say what to send and what
 * the answers mean.
 */
@ChannelHandler.Sharable
public abstract class Exchange<T> extends SimpleChannelInboundHandler<Message> {

    /**
     * The outcome of the try on a connection, set on the connection with it: an exchange tried again on another
     * connection is added to that one's pipeline too, and what the earlier connection still reports (it closing, say)
     * must not end the later try.
     */
    static final AttributeKey<CompletableFuture<?>> OUTCOME = AttributeKey.valueOf(Exchange.class, "outcome");

    CompletableFuture<T> result = new CompletableFuture<>();
    private Welcome welcome;
    private volatile boolean answered;
    /** Whether a BUSY answer ends this try rather than the exchange: set while another receiver remains to ask. */
    private volatile boolean busyFailsOver;
    /** Takes the connection when this exchange ended between messages and another may use it; else it is closed. */
    private Consumer<Channel> keeper;

    /** Sends the request; the protocol version is agreed. */
    protected abstract void start(ChannelHandlerContext ctx);

    /** Handles every message after WELCOME; must end with {@link #complete} or {@link #fail}. */
    protected abstract void receive(ChannelHandlerContext ctx, Message message) throws IOException;

    /** What the receiver agreed to; null until it did. */
    protected final Welcome welcome() {
        return welcome;
    }

    /** Releases whatever the exchange holds; called after each try, whatever the outcome. */
    protected void cleanUp() {
    }

    /** Ends the exchange with {@code value}; call it only once the last answer has arrived, whole. */
    protected final void complete(ChannelHandlerContext ctx, T value) {
        if (keeper != null && ctx.channel().isActive()) {
            keeper.accept(ctx.channel());
        } else {
            ctx.close();
        }
        outcome(ctx).complete(value);
    }

    /** Ends the exchange with {@code value} before its last answer arrived: the rest of it is not read. */
    protected final void completeEarly(ChannelHandlerContext ctx, T value) {
        ctx.close();
        outcome(ctx).complete(value);
    }

    protected final void fail(ChannelHandlerContext ctx, Throwable cause) {
        outcome(ctx).completeExceptionally(cause);
        ctx.close();
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<T> outcome(ChannelHandlerContext ctx) {
        return (CompletableFuture<T>) ctx.channel().attr(OUTCOME).get();
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, Message message) throws IOException {
        if (message instanceof Welcome agreed) {
            welcome = agreed;
            start(ctx);
            return;
        }
        // After an early end, frames already read still arrive while the connection closes: they are dropped,
        // since the caller may already be releasing what the exchange wrote into.
        if (outcome(ctx).isDone()) {
            return;
        }
        if (busyFailsOver && message instanceof Reply reply && reply.code() == ReplyCode.BUSY) {
            fail(ctx, new ReceiverBusy(reply.message()));
        } else {
            answered = true;
            receive(ctx, message);
        }
    }

    void keepConnectionIn(Consumer<Channel> keeper) {
        this.keeper = keeper;
    }

    /** Starts on a warm connection, whose WELCOME came to an earlier exchange; on the channel's event loop. */
    void resume(ChannelHandlerContext ctx, Welcome agreed) {
        welcome = agreed;
        if (ctx.channel().isActive()) {
            start(ctx);
        } else {
            outcome(ctx).completeExceptionally(new ClosedChannelException());
        }
    }

    /** Whether any answer came; an exchange without one can be run again, from the start, on another connection. */
    boolean answered() {
        return answered;
    }

    void failOverOnBusy(boolean failOver) {
        busyFailsOver = failOver;
    }

    /** Ready to run again from the start: what the last try held is released. */
    void restart() {
        cleanUp();
        result = new CompletableFuture<>();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        outcome(ctx).completeExceptionally(new NoAnswer("the receiver closed the connection without an answer"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }
}
