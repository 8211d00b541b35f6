package io.walship.receiver.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.walship.protocol.WireCodec;
import io.walship.receiver.config.ServerPolicy;
import io.walship.receiver.store.WalStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The TCP/TLS server: event loops for the network, a bounded pool for disk work. */
public final class ReceiverServer implements AutoCloseable {

    /** A connection that sends nothing for this long is dropped (a hung agent must not pin a temp file). */
    private static final int READ_TIMEOUT_SECONDS = 300;

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final EventExecutorGroup ingestPool;
    private Channel channel;

    private ReceiverServer(int ingestThreads) {
        this.ingestPool = new DefaultEventExecutorGroup(ingestThreads);
    }

    public static ReceiverServer start(InetSocketAddress listen, SslContext tls, WalStore store,
            Map<String, ServerPolicy> policies, Path configFile, int ingestThreads) throws InterruptedException {
        ReceiverServer server = new ReceiverServer(ingestThreads);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(server.boss, server.workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("tls", tls.newHandler(ch.alloc()));
                        p.addLast("timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS));
                        WireCodec.addTo(p);
                        p.addLast("handshake", new HandshakeHandler());
                        // Fetches stream stored files; reading and decompressing them is disk work too.
                        p.addLast(server.ingestPool, "chunks", new ChunkedWriteHandler());
                        p.addLast(server.ingestPool, "ingest", new IngestHandler(store, policies, configFile));
                    }
                });
        try {
            server.channel = bootstrap.bind(listen.getHostString(), listen.getPort()).sync().channel();
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void awaitClose() throws InterruptedException {
        channel.closeFuture().sync();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Network first, and wait: open connections still hand their clean-up to the ingest pool.
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        ingestPool.shutdownGracefully(0, 30, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
