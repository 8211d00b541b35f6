package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walship.protocol.Get;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.StoredZstd;
import io.walship.receiver.store.WalStore;
import io.walship.wal.WalFileName;
import java.io.InputStream;
import java.util.Optional;

/**
 * A GET answered: FOUND, the file's plain bytes and END; to one that accepts zstd, FOUND_ZSTD, the stored zstd
 * frame and END, where the file is kept so; or NOT_FOUND, or why not.
 */
final class DownloadHandler extends SimpleChannelInboundHandler<Object> {

    private final WalStore store;
    private final ReceiverMetrics metrics;

    DownloadHandler(WalStore store, ReceiverMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof Get || msg instanceof Refused r && r.request() instanceof Get;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Get get -> serve(ctx, get);
            case Refused refused -> answer(ctx, ((Get) refused.request()).server(), refused.outcome());
            default -> throw new IllegalStateException("not a download: " + msg);
        }
    }

    private void serve(ChannelHandlerContext ctx, Get get) {
        String what = get.server() + "/" + get.name();
        try {
            WalFileName name = WalFileName.parse(get.name());
            if (get.accept() == WireEncoding.ZSTD) {
                Optional<StoredZstd> stored = store.openZstd(get.server(), name);
                if (stored.isPresent()) {
                    reply(ctx, ReplyCode.FOUND_ZSTD, "sending " + get.name() + " as stored");
                    ctx.writeAndFlush(DownloadChunks.stored(what, stored.get()));
                    return;
                }
            }
            Optional<InputStream> plain = store.openPlain(get.server(), name);
            if (plain.isEmpty()) {
                reply(ctx, ReplyCode.NOT_FOUND, get.name() + " is not in the archive of server '" + get.server()
                        + "'");
                return;
            }
            reply(ctx, ReplyCode.FOUND, "sending " + get.name());
            ctx.writeAndFlush(DownloadChunks.plain(what, plain.get()));
        } catch (IllegalArgumentException e) {
            answer(ctx, get.server(), Outcome.rejected(Rejection.BAD_NAME, e.getMessage()));
        } catch (IngestException e) {
            answer(ctx, get.server(), e.outcome());
        }
    }

    /** A reply that ends the download before any byte of it; a rejection is counted. */
    private void answer(ChannelHandlerContext ctx, String server, Outcome outcome) {
        outcome.rejection().ifPresent(why -> metrics.rejected(server, why));
        reply(ctx, outcome.code(), outcome.message());
    }

    private static void reply(ChannelHandlerContext ctx, ReplyCode code, String message) {
        ctx.writeAndFlush(new Reply(code, message));
    }
}
