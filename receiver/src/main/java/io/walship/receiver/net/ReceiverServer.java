package io.walship.receiver.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.walship.receiver.config.ArchiveReader;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.WalStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The TCP/TLS server: event loops for the network, a bounded pool for disk work. */
public final class ReceiverServer implements AutoCloseable {

    /** A connection that sends nothing for this long is dropped (a hung agent must not pin a temp file). */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(300);

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final EventExecutorGroup ingestPool;
    private final ChannelGroup connections = new DefaultChannelGroup("walship-connections",
            GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel channel;

    private ReceiverServer(int ingestThreads) {
        this.ingestPool = new DefaultEventExecutorGroup(ingestThreads);
    }

    public static ReceiverServer start(InetSocketAddress listen, SslContext tls, WalStore store,
            ConfiguredServers servers, Path configFile, ReceiverLimits limits, ReceiverMetrics metrics,
            int ingestThreads, ArchiveReader barman) throws InterruptedException {
        ReceiverServer server = new ReceiverServer(ingestThreads);
        Admission admission = new Admission(limits);
        metrics.watch(admission);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(server.boss, server.workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ReceiverChannelInitializer(tls, server.ingestPool, store, servers, configFile,
                        server.connections, admission, metrics, barman));
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

    /** Takes no more connections: {@link #awaitClose} returns, and {@link #close} then ends the open ones. */
    public void stopListening() {
        channel.close();
    }

    /** Returns once every executor of {@code group} has run what was queued on it before. */
    private static void drain(EventExecutorGroup group) {
        for (EventExecutor executor : group) {
            executor.submit(() -> { }).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Once: the shutdown hook may call it again after main did. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Connections first, then the ingest pool, which still runs their clean-up (no temp file left behind)
        // and writes its last replies through the event loops, and only then the event loops. A close completes
        // before its channelInactive runs (Netty fires it in a later event-loop task, which hands it on to the
        // ingest pool), so both are drained first: otherwise the pool could stop before an upload broken off
        // here removed its temp file.
        connections.close().awaitUninterruptibly();
        drain(workers);
        drain(ingestPool);
        ingestPool.shutdownGracefully(0, 30, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
