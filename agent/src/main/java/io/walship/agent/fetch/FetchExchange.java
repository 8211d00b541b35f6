package io.walship.agent.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.walship.agent.net.Exchange;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Message;
import io.walship.protocol.Reply;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** One download: GET, then FOUND, the plain bytes and END with their CRC-32C, written to {@code target}. */
final class FetchExchange extends Exchange<FetchResult> {

    private final Get get;
    private final Path target;
    private final CRC32C crc = new CRC32C();
    private FileChannel out;
    private long received;

    FetchExchange(Get get, Path target) {
        this.get = get;
        this.target = target;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(get);
    }

    @Override
    protected void receive(ChannelHandlerContext ctx, Message message) throws IOException {
        switch (message) {
            case Reply reply when out == null -> onAnswer(ctx, reply);
            case Reply reply -> complete(ctx, FetchResult.of(FetchResult.Status.DAMAGED, reply.message()));
            case Data data when out != null -> write(data.content());
            case End end when out != null -> complete(ctx, (int) crc.getValue() == end.crc32c()
                        ? new FetchResult(FetchResult.Status.FETCHED, received + " bytes", 0)
                        : FetchResult.of(FetchResult.Status.DAMAGED, get.name() + " arrived with a checksum "
                                + "mismatch; it was damaged in transit"));
            default -> fail(ctx, new IOException("unexpected " + message.getClass().getSimpleName()
                    + " from the receiver"));
        }
    }

    private void onAnswer(ChannelHandlerContext ctx, Reply reply) throws IOException {
        switch (reply.code()) {
            case FOUND -> out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            case NOT_FOUND -> complete(ctx, FetchResult.of(FetchResult.Status.NOT_FOUND, reply.message()));
            case FAILED, REJECTED, BUSY -> complete(ctx, FetchResult.of(FetchResult.Status.REFUSED, reply.message()));
            default -> complete(ctx, FetchResult.of(FetchResult.Status.DAMAGED, reply.message()));
        }
    }

    private void write(ByteBuf content) throws IOException {
        int length = content.readableBytes();
        crc.update(content.nioBuffer());
        while (content.isReadable()) {
            content.readBytes(out, received + length - content.readableBytes(), content.readableBytes());
        }
        received += length;
    }

    @Override
    protected void cleanUp() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                java.util.logging.Logger.getLogger(FetchExchange.class.getName()).fine("closing " + target + ": " + e);
            }
        }
    }
}
