package io.walship.receiver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connection to the receiver over the agent's mutual TLS that writes whatever bytes it is handed and reads back
 * raw frames, parsed by hand: a client free to break every rule of the protocol.
 */
final class RawConnection implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    /** Far beyond any answer of a receiver on the loopback interface: what has not come by then will not. */
    private static final long PATIENCE_SECONDS = 30;
    /** Queued once the connection is closed, after every byte that arrived before. */
    private static final byte[] CLOSED = new byte[0];

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<byte[]> arrived = new LinkedBlockingQueue<>();
    /** What arrived and was not read yet; only the test's thread touches it. */
    private final ByteBuf unread = Unpooled.buffer();
    private boolean closed;
    private Channel channel;

    private RawConnection() {
    }

    /** Connects and completes the TLS handshake. */
    static RawConnection open(SslContext tls, int port) {
        RawConnection connection = new RawConnection();
        try {
            connection.connect(tls, port);
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void connect(SslContext tls, int port) {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), HOST, port), new Collector());
                    }
                })
                .connect(HOST, port).syncUninterruptibly().channel();
        Future<Channel> handshake = channel.pipeline().get(SslHandler.class).handshakeFuture();
        assertTrue(handshake.awaitUninterruptibly(PATIENCE_SECONDS, TimeUnit.SECONDS),
                "TLS handshake with the receiver");
        // Throws why it failed, if it did.
        handshake.syncUninterruptibly();
    }

    /** The client's address as the receiver sees it (and logs it). */
    String address() {
        return channel.localAddress().toString();
    }

    /** Writes the bytes as given, in one go. */
    void send(byte[]... parts) {
        ByteBuf bytes = Unpooled.buffer();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    /** Sends a valid HELLO and expects the receiver's WELCOME to protocol version 1. */
    RawConnection greet() {
        send(HandMadeFrames.hello(HandMadeFrames.MAGIC, 1));
        byte[] welcome = nextFrame().orElseThrow(() -> new AssertionError("closed instead of WELCOME"));
        ByteBuf body = Unpooled.wrappedBuffer(welcome);
        assertEquals(HandMadeFrames.WELCOME, body.readUnsignedByte(), "frame type of the answer to HELLO");
        assertEquals(1, body.readUnsignedShort(), "protocol version");
        body.skipBytes(Long.BYTES);
        assertEquals(0, body.readableBytes(), "bytes after WELCOME's fields");
        return this;
    }

    /** The next frame, which must be a REPLY. */
    Reply reply() {
        byte[] frame = nextFrame().orElseThrow(() -> new AssertionError("the receiver closed the connection "
                + "without a reply"));
        ByteBuf body = Unpooled.wrappedBuffer(frame);
        assertEquals(HandMadeFrames.REPLY, body.readUnsignedByte(),
                () -> "frame type of " + ByteBufUtil.hexDump(frame));
        ReplyCode code = ReplyCode.fromWire(body.readUnsignedByte());
        String message = body.readCharSequence(body.readUnsignedShort(), StandardCharsets.UTF_8).toString();
        assertEquals(0, body.readableBytes(), "bytes after the reply's message");
        return new Reply(code, message);
    }

    /** The receiver closes the connection and sends nothing more before it does. */
    void assertClosedByReceiver() {
        Optional<byte[]> frame = nextFrame();
        frame.ifPresent(f -> fail("expected the connection to close, got another frame: " + ByteBufUtil.hexDump(f)));
    }

    /** The next frame's body, type byte first; empty once the connection closed between frames. */
    private Optional<byte[]> nextFrame() {
        if (!fill(Integer.BYTES)) {
            assertEquals(0, unread.readableBytes(), "bytes left at close, too few for a length prefix");
            return Optional.empty();
        }
        int length = unread.getInt(unread.readerIndex());
        assertTrue(length > 0, "length prefix " + length + " from the receiver");
        assertTrue(fill(Integer.BYTES + length), () -> "closed within a frame of " + length + " bytes");
        unread.skipBytes(Integer.BYTES);
        byte[] body = new byte[length];
        unread.readBytes(body);
        return Optional.of(body);
    }

    /** Waits until {@code bytes} are unread; false if the connection closes before. */
    private boolean fill(int bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (unread.readableBytes() < bytes && !closed) {
            byte[] next;
            try {
                next = arrived.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the receiver", e);
            }
            if (next == null) {
                fail("nothing from the receiver for " + PATIENCE_SECONDS + " s, and the connection is still open");
            }
            if (next == CLOSED) {
                closed = true;
            } else {
                unread.writeBytes(next);
            }
        }
        return unread.readableBytes() >= bytes;
    }

    /** Closes this end (with TLS's close_notify) and waits until the connection is gone. */
    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, PATIENCE_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Hands every decrypted byte to the test's thread, then the close. */
    private final class Collector extends SimpleChannelInboundHandler<ByteBuf> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            arrived.add(ByteBufUtil.getBytes(msg));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            arrived.add(CLOSED);
        }

        /** A reset counts as a close: the test then finds whatever arrived before it, or misses a reply. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
