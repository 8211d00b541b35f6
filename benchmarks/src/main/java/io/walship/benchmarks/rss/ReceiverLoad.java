package io.walship.benchmarks.rss;

import io.netty.bootstrap.Bootstrap;
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
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Hello;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.TlsContexts;
import io.walship.protocol.Welcome;
import io.walship.protocol.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;

/**
 * Puts a receiver under the loads whose memory {@code benchmarks/rss/run} measures: many idle TLS connections,
 * many uploads opened and left without data, or many uploads of a 16 MiB segment at once. Prints {@code ready}
 * once the load is in place and holds it until stdin closes (the uploads: until all are answered).
 *
 * <pre>
 * ReceiverLoad HOST PORT SERVER CA CERT KEY idle-connections N
 * ReceiverLoad HOST PORT SERVER CA CERT KEY open-uploads N
 * ReceiverLoad HOST PORT SERVER CA CERT KEY uploads N SEGMENT
 * </pre>
 * For {@code uploads}, SEGMENT is a real WAL segment; upload i sends its bytes with the first page header moved to
 * segment i of timeline 1, so every upload passes the receiver's checks under a name of its own.
 */
public final class ReceiverLoad {

    private static final int CHUNK = 256 * 1024;
    private static final long MTIME = 1_795_000_000_000_000_000L;

    private final String host;
    private final int port;
    private final String server;
    private final SslContext tls;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private int refused;

    private ReceiverLoad(String host, int port, String server, SslContext tls) {
        this.host = host;
        this.port = port;
        this.server = server;
        this.tls = tls;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            System.err.println("usage: ReceiverLoad HOST PORT SERVER CA CERT KEY "
                    + "idle-connections|open-uploads|uploads N [SEGMENT]");
            System.exit(2);
        }
        ReceiverLoad load = new ReceiverLoad(args[0], Integer.parseInt(args[1]), args[2],
                TlsContexts.agent(Path.of(args[4]), Path.of(args[5]), Path.of(args[3])));
        int n = Integer.parseInt(args[7]);
        try {
            switch (args[6]) {
                case "idle-connections" -> load.hold(load.connect(n, false));
                case "open-uploads" -> load.hold(load.connect(n, true));
                case "uploads" -> load.upload(n, Files.readAllBytes(Path.of(args[8])));
                default -> throw new IllegalArgumentException("unknown load " + args[6]);
            }
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * {@code n} connections tried, those past the handshake with an upload begun when {@code withPut}; those the
     * receiver refused (BUSY past its connection limits) are counted in {@link #refused}.
     */
    private List<Conversation> connect(int n, boolean withPut) throws Exception {
        List<Conversation> conversations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Conversation conversation = new Conversation();
            Channel channel = open(conversation);
            try {
                conversation.welcomed.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                refused++;
                continue;
            }
            if (withPut) {
                channel.writeAndFlush(new Put(server, segmentName(i + 1), 16L << 20, MTIME)).sync();
            }
            conversation.channel = channel;
            conversations.add(conversation);
        }
        return conversations;
    }

    /** Says how many connections are open and how their uploads were answered so far, then holds them. */
    private void hold(List<Conversation> conversations) throws IOException, InterruptedException {
        Thread.sleep(2000);
        long open = conversations.stream().filter(c -> c.channel.isActive()).count();
        Map<String, Long> answers = conversations.stream().filter(c -> c.reply.isDone() && !c.reply
                .isCompletedExceptionally()).collect(Collectors.groupingBy(c -> c.reply.join().code().name(),
                TreeMap::new, Collectors.counting()));
        System.out.println("ready " + open + " open" + (refused > 0 ? ", " + refused + " connections refused" : "")
                + (answers.isEmpty() ? "" : ", uploads answered " + answers));
        System.out.flush();
        while (System.in.read() >= 0) {
            // Held until the driver closes stdin.
        }
        conversations.forEach(c -> c.channel.close());
    }

    /** {@code n} uploads at once (all connections first, then all the data), each of its own segment. */
    private void upload(int n, byte[] base) throws Exception {
        List<Conversation> conversations = connect(n, false);
        System.out.println("ready " + conversations.size() + " uploading");
        System.out.flush();
        int i = 0;
        for (Conversation conversation : conversations) {
            byte[] segment = asSegment(base, ++i);
            CRC32C crc = new CRC32C();
            crc.update(segment);
            conversation.channel.write(new Put(server, segmentName(i), segment.length, MTIME));
            for (int offset = 0; offset < segment.length; offset += CHUNK) {
                conversation.channel.write(new Data(Unpooled.wrappedBuffer(segment, offset,
                        Math.min(CHUNK, segment.length - offset))));
            }
            conversation.channel.writeAndFlush(new End((int) crc.getValue()));
        }
        for (Conversation conversation : conversations) {
            Reply answer = conversation.reply.get(300, TimeUnit.SECONDS);
            System.out.println(answer.code() + " " + answer.message());
        }
    }

    private Channel open(Conversation conversation) throws InterruptedException {
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                        WireCodec.addTo(ch.pipeline());
                        ch.pipeline().addLast(conversation);
                    }
                }).connect(host, port).sync().channel();
        channel.writeAndFlush(Hello.current());
        return channel;
    }

    private static String segmentName(int segment) {
        return String.format("%08X%08X%08X", 1, 0, segment);
    }

    /** {@code base} with its first page header naming segment {@code segment} of timeline 1 (16 MiB segments). */
    private static byte[] asSegment(byte[] base, int segment) {
        byte[] bytes = base.clone();
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(4, 1);
        header.putLong(8, (long) segment * bytes.length);
        return bytes;
    }

    /** The receiver's side of one connection: its welcome, then the reply to the upload. */
    private static final class Conversation extends SimpleChannelInboundHandler<Message> {

        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        final CompletableFuture<Reply> reply = new CompletableFuture<>();
        Channel channel;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message message) {
            switch (message) {
                case Welcome welcome -> welcomed.complete(null);
                case Reply answer when !welcomed.isDone() -> welcomed.completeExceptionally(
                        new IOException("refused: " + answer.code() + " " + answer.message()));
                case Reply answer -> reply.complete(answer);
                default -> {
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException closed = new IOException("the receiver closed the connection");
            welcomed.completeExceptionally(closed);
            reply.completeExceptionally(closed);
        }
    }
}
