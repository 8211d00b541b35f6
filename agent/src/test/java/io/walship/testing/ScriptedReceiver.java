package io.walship.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Hello;
import io.walship.protocol.Message;
import io.walship.protocol.ProtocolVersion;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.Welcome;
import io.walship.protocol.WireCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A receiver speaking the wire protocol over mutual TLS that answers each upload as scripted. */
public final class ScriptedReceiver implements AutoCloseable {

    public final Map<String, ReplyCode> script = new ConcurrentHashMap<>();
    public final Map<String, Duration> delays = new ConcurrentHashMap<>();
    public final Map<String, Long> sizes = new ConcurrentHashMap<>();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    /** Replies held back while the gate is closed; null while it is open. */
    private List<Runnable> gated;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> events = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    public ScriptedReceiver(SslContext tls, int port) throws InterruptedException {
        server = new ServerBootstrap().group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        WireCodec.addTo(ch.pipeline());
                        ch.pipeline().addLast(new Connection());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), port).sync().channel();
    }

    public synchronized void closeGate() {
        if (gated == null) {
            gated = new ArrayList<>();
        }
    }

    public void openGate() {
        List<Runnable> held;
        synchronized (this) {
            held = gated;
            gated = null;
        }
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }

    /** Runs {@code reply} now, or when the gate opens. */
    private void release(Runnable reply) {
        synchronized (this) {
            if (gated != null) {
                gated.add(reply);
                return;
            }
        }
        reply.run();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public List<String> puts() {
        return events().stream().filter(e -> e.startsWith("PUT ")).map(e -> e.substring(4)).toList();
    }

    public long replies(String name, ReplyCode code) {
        return events().stream().filter(e -> e.equals(code + " " + name)).count();
    }

    public List<Long> putTimes(String name) {
        synchronized (events) {
            List<Long> at = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).equals("PUT " + name)) {
                    at.add(times.get(i));
                }
            }
            return at;
        }
    }

    private void event(String event) {
        synchronized (events) {
            events.add(event);
            times.add(System.nanoTime());
        }
    }

    /** Closes the listening socket and every connection; closing again does nothing. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** One connection: HELLO, then uploads one after another. */
    private final class Connection extends SimpleChannelInboundHandler<Message> {

        private Put put;
        private long received;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message message) {
            switch (message) {
                case Hello hello -> ctx.writeAndFlush(new Welcome(ProtocolVersion.CURRENT, 0));
                case Put p -> {
                    put = p;
                    received = 0;
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    event("PUT " + p.name());
                }
                case Data data -> received += data.content().readableBytes();
                case End end -> {
                    Put done = put;
                    sizes.put(done.name(), received);
                    ReplyCode code = script.getOrDefault(done.name(), ReplyCode.STORED);
                    Duration wait = delays.getOrDefault(done.name(), Duration.ZERO);
                    ctx.executor().schedule(() -> release(() -> ctx.executor().execute(() -> {
                        inFlight.decrementAndGet();
                        event(code + " " + done.name());
                        ctx.writeAndFlush(new Reply(code, "scripted " + code));
                    })), wait.toMillis(), TimeUnit.MILLISECONDS);
                }
                default -> ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            event("ERROR " + cause);
            ctx.close();
        }
    }
}
