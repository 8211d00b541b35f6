package io.walship.agent.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.stream.ChunkedInput;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.Welcome;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A warm connection that uploads files one after another, so that a long-running agent pays the TLS
 * handshake once instead of once per segment. Not for concurrent use: one upload at a time.
 */
public final class ReceiverSession implements AutoCloseable {

    private final ReceiverClient client;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** What the receiver's WELCOME offered; set before {@link #ready} completes. */
    private volatile long capabilities;
    private final AtomicReference<CompletableFuture<Reply>> pending = new AtomicReference<>();
    private Channel channel;
    /** Which receiver, as failures name it. */
    private String receiver;

    ReceiverSession(ReceiverClient client) {
        this.client = client;
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    void attach(Channel channel, String receiver) {
        this.channel = channel;
        this.receiver = receiver;
    }

    /** The receiver's {@link io.walship.protocol.Capabilities} bits. */
    public long capabilities() {
        return capabilities;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Uploads {@code chunks} (which carry the file and its checksum) and returns the receiver's reply once the
     * whole upload is written. A refusal may be answered before the END (a conflict shows in the first bytes), and
     * the receiver then skips the frames up to that END: returning at the reply would let the caller close the
     * chunks mid-write, the END would never go, and the next PUT would break the connection. When the rest cannot
     * be written the reply stands but the connection is closed, its state unknown.
     */
    public Reply put(Put put, ChunkedInput<Message> chunks) throws ReceiverFailure {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        CompletableFuture<Void> written = new CompletableFuture<>();
        pending.set(reply);
        channel.write(put);
        channel.writeAndFlush(chunks).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(f.cause());
                reply.completeExceptionally(f.cause());
            }
        });
        Reply answer = await(reply);
        try {
            written.get();
        } catch (ExecutionException e) {
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
        return answer;
    }

    private <T> T await(CompletableFuture<T> future) throws ReceiverFailure {
        try {
            return future.get();
        } catch (ExecutionException e) {
            close();
            throw client.describe(e.getCause(), receiver);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ReceiverFailure(ReceiverFailure.Kind.BROKEN, "interrupted");
        }
    }

    SimpleChannelInboundHandler<Message> handler() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Message message) {
                switch (message) {
                    case Welcome welcome -> {
                        capabilities = welcome.capabilities();
                        ready.complete(null);
                    }
                    case Reply reply when pending.get() != null -> pending.getAndSet(null).complete(reply);
                    case Reply reply when reply.code() == ReplyCode.BUSY && !ready.isDone() -> failAll(
                            new ReceiverBusy("the receiver refused the connection: " + reply.message()));
                    case Reply reply -> failAll(new IOException("the receiver refused the connection: "
                            + reply.message()));
                    default -> failAll(new IOException("unexpected " + message.getClass().getSimpleName()
                            + " from the receiver"));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                failAll(new NoAnswer("the receiver closed the connection"));
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failAll(cause);
                ctx.close();
            }
        };
    }

    private void failAll(Throwable cause) {
        ready.completeExceptionally(cause);
        CompletableFuture<Reply> reply = pending.getAndSet(null);
        if (reply != null) {
            reply.completeExceptionally(cause);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
