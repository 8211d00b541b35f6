package io.walship.agent.aot;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
import io.walship.protocol.Get;
import io.walship.protocol.Hello;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import io.walship.protocol.ProtocolVersion;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.Welcome;
import io.walship.protocol.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A training peer, not a receiver: the other end of the connections that {@code walship aot-training}
 * makes, with just enough of the receiver's side of the protocol for one push and one fetch over real
 * mutual TLS on loopback. It answers HELLO with WELCOME, consumes a PUT's data and END and replies
 * STORED (FAILED on a checksum or size mismatch) without storing anything, and answers a GET for its one
 * file with FOUND, the file's bytes and END; any other GET gets NOT_FOUND. No authorization, no WAL
 * checks, no durability: never point an agent at it for anything but training.
 */
final class TrainingPeer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final String servedName;
    private final Path servedFile;
    private Channel channel;

    private TrainingPeer(String servedName, Path servedFile) {
        this.servedName = servedName;
        this.servedFile = servedFile;
    }

    /** Listens on a free loopback port; GET {@code servedName} is answered with the bytes of {@code servedFile}. */
    static TrainingPeer start(SslContext tls, String servedName, Path servedFile) throws InterruptedException {
        TrainingPeer peer = new TrainingPeer(servedName, servedFile);
        try {
            peer.channel = new ServerBootstrap().group(peer.group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            WireCodec.addTo(ch.pipeline());
                            ch.pipeline().addLast("peer", peer.new Conversation());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            return peer;
        } catch (InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** One connection's state: the upload under way, if any. */
    private final class Conversation extends SimpleChannelInboundHandler<Message> {

        private Put put;
        private final CRC32C crc = new CRC32C();
        private long received;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message message) throws IOException {
            switch (message) {
                case Hello hello -> ctx.writeAndFlush(new Welcome(ProtocolVersion.CURRENT, 0L));
                case Put p -> {
                    put = p;
                    crc.reset();
                    received = 0;
                }
                case Data data when put != null -> {
                    received += data.content().readableBytes();
                    crc.update(data.content().nioBuffer());
                }
                case End end when put != null -> {
                    boolean intact = (int) crc.getValue() == end.crc32c() && received == put.size();
                    ctx.writeAndFlush(intact ? new Reply(ReplyCode.STORED, put.name() + " consumed by the training peer")
                            : new Reply(ReplyCode.FAILED, put.name() + " arrived damaged at the training peer"));
                    put = null;
                }
                case Get get when get.name().equals(servedName) -> serve(ctx);
                case Get get -> ctx.writeAndFlush(new Reply(ReplyCode.NOT_FOUND, get.name() + " is not here"));
                default -> ctx.writeAndFlush(new Reply(ReplyCode.REJECTED, "unexpected "
                        + message.getClass().getSimpleName())).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void serve(ChannelHandlerContext ctx) throws IOException {
            byte[] bytes = Files.readAllBytes(servedFile);
            CRC32C sum = new CRC32C();
            sum.update(bytes);
            ctx.write(new Reply(ReplyCode.FOUND, "sending " + servedName));
            for (int offset = 0; offset < bytes.length; offset += Limits.MAX_CHUNK) {
                ctx.write(new Data(Unpooled.wrappedBuffer(bytes, offset, Math.min(Limits.MAX_CHUNK, bytes.length - offset))));
            }
            ctx.writeAndFlush(new End((int) sum.getValue()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
