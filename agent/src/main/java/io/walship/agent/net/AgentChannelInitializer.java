package io.walship.agent.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.walship.protocol.WireCodec;

/**
 * The agent's side of one connection: TLS to the receiver's host and port (its certificate must name
 * them), an idle timeout, the frame codec, chunked uploads, HELLO once TLS is up, then {@code conversation}
 * (one {@link Exchange} or a {@link ReceiverSession}).
 */
final class AgentChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** Neither a byte in nor a byte out for this long means the receiver is stuck. */
    private static final int IDLE_SECONDS = 120;

    private final SslContext tls;
    private final String host;
    private final int port;
    private final ChannelHandler conversation;

    AgentChannelInitializer(SslContext tls, String host, int port, ChannelHandler conversation) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.conversation = conversation;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("tls", tls.newHandler(ch.alloc(), host, port));
        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS));
        WireCodec.addTo(p);
        p.addLast("chunks", new ChunkedWriteHandler());
        p.addLast("greeting", new GreetingHandler());
        p.addLast(ReceiverClient.CONVERSATION, conversation);
    }
}
