package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walship.protocol.Get;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.WalStore;
import io.walship.wal.WalFileName;
import java.io.InputStream;
import java.util.Optional;

/** A GET answered: FOUND, the file's plain bytes and END; or NOT_FOUND, or why not. */
final class DownloadHandler extends SimpleChannelInboundHandler<Object> {

    private final WalStore store;

    DownloadHandler(WalStore store) {
        this.store = store;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof Get || msg instanceof Refused r && r.request() instanceof Get;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Get get -> serve(ctx, get);
            case Refused refused -> reply(ctx, ReplyCode.REJECTED, refused.reason());
            default -> throw new IllegalStateException("not a download: " + msg);
        }
    }

    private void serve(ChannelHandlerContext ctx, Get get) {
        Optional<InputStream> plain;
        try {
            plain = store.openPlain(get.server(), WalFileName.parse(get.name()));
        } catch (IllegalArgumentException e) {
            reply(ctx, ReplyCode.REJECTED, e.getMessage());
            return;
        } catch (IngestException e) {
            reply(ctx, e.code(), e.getMessage());
            return;
        }
        if (plain.isEmpty()) {
            reply(ctx, ReplyCode.NOT_FOUND, get.name() + " is not in the archive of server '" + get.server() + "'");
            return;
        }
        reply(ctx, ReplyCode.FOUND, "sending " + get.name());
        ctx.writeAndFlush(new PlainChunks(get.server() + "/" + get.name(), plain.get()));
    }

    private static void reply(ChannelHandlerContext ctx, ReplyCode code, String message) {
        ctx.writeAndFlush(new Reply(code, message));
    }
}
