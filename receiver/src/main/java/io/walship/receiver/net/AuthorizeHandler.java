package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.walship.protocol.Check;
import io.walship.protocol.Get;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.receiver.config.ArchivedServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.store.Rejection;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Authorizes every request on its own, so that a connection allowed one server gets nothing of another: the
 * server must be one the receiver archives for and the client's certificate must be among its clients, as
 * configured when the request arrives (a reload may change them). A request that is not allowed goes on as
 * {@link Refused}, for its handler to answer.
 */
final class AuthorizeHandler extends ChannelInboundHandlerAdapter {

    private final ConfiguredServers servers;
    private final Path configFile;

    AuthorizeHandler(ConfiguredServers servers, Path configFile) {
        this.servers = servers;
        this.configFile = configFile;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Put put -> pass(ctx, put, put.server());
            case Get get -> pass(ctx, get, get.server());
            case Check check -> pass(ctx, check, check.server());
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void pass(ChannelHandlerContext ctx, Message request, String server) {
        ctx.fireChannelRead(refusal(ctx, request, server).map(Object.class::cast).orElse(request));
    }

    private Optional<Refused> refusal(ChannelHandlerContext ctx, Message request, String server) {
        ArchivedServer policy = servers.archived(server);
        if (policy == null) {
            return Optional.of(new Refused(request, Rejection.UNKNOWN_SERVER, "the receiver has no server '" + server
                    + "'; check the agent's 'server' setting or add a [" + server + "] section to " + configFile));
        }
        String client = ClientName.of(ctx);
        if (!policy.allows(client)) {
            return Optional.of(new Refused(request, Rejection.UNAUTHORIZED, "certificate '" + client
                    + "' is not authorized for server '" + server + "'; add it to clients in [" + server + "] of "
                    + configFile + " or use this server's agent certificate"));
        }
        return Optional.empty();
    }
}
