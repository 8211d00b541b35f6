package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import io.walship.protocol.CheckReport;
import io.walship.receiver.config.ArchiveReader;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.CodecCheck;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.store.WalStore;
import io.walship.wal.WalFileName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A CHECK answered with what the receiver sees of the server: the client's authorization, for a Barman server the
 * codec against the Barman that reads it, then what the store can tell. A client refused the server learns nothing more of it.
 */
final class CheckHandler extends SimpleChannelInboundHandler<Object> {

    static final String AUTHORIZED = "authorized";

    private final WalStore store;
    private final ConfiguredServers servers;
    private final ArchiveReader barman;

    CheckHandler(WalStore store, ConfiguredServers servers, ArchiveReader barman) {
        this.store = store;
        this.servers = servers;
        this.barman = barman;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof Check || msg instanceof Refused r && r.request() instanceof Check;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        CheckReport report = switch (msg) {
            case Check check -> report(ctx, check);
            case Refused refused -> new CheckReport(List.of(CheckItem.failed(AUTHORIZED, refused.reason())));
            default -> throw new IllegalStateException("not a check: " + msg);
        };
        ctx.writeAndFlush(report);
    }

    private CheckReport report(ChannelHandlerContext ctx, Check check) {
        Optional<WalFileName> stored;
        try {
            stored = check.name().isEmpty() ? Optional.empty() : Optional.of(WalFileName.parse(check.name()));
        } catch (IllegalArgumentException e) {
            return new CheckReport(List.of(CheckItem.failed("stored " + check.name(), e.getMessage())));
        }
        List<CheckItem> items = new ArrayList<>();
        items.add(CheckItem.ok(AUTHORIZED, "certificate '" + ClientName.of(ctx) + "' may archive to server '"
                + check.server() + "'"));
        BarmanServer barmanServer = servers.get(check.server());
        if (barmanServer != null) {
            items.add(CodecCheck.of(barmanServer, barman));
        }
        items.addAll(store.check(check.server(), stored));
        return new CheckReport(items);
    }
}
