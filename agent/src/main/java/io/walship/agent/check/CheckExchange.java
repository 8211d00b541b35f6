package io.walship.agent.check;

import io.netty.channel.ChannelHandlerContext;
import io.walship.agent.net.Exchange;
import io.walship.protocol.Capabilities;
import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import io.walship.protocol.CheckReport;
import io.walship.protocol.Message;
import io.walship.protocol.Reply;
import java.io.IOException;
import java.util.List;

/**
 * One CHECK on a fresh connection: the receiver's items, or one item saying why it gave none (it refused the
 * connection, or is of a release that does not answer CHECK).
 */
final class CheckExchange extends Exchange<List<CheckItem>> {

    static final String RECEIVER = "receiver";

    private final Check check;

    CheckExchange(Check check) {
        this.check = check;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        if (!Capabilities.has(welcome().capabilities(), Capabilities.CHECK)) {
            complete(ctx, List.of(CheckItem.failed(RECEIVER, "the receiver speaks protocol version "
                    + welcome().version() + " but is of a release that does not answer CHECK; upgrade it to this "
                    + "walship release")));
            return;
        }
        ctx.writeAndFlush(check);
    }

    @Override
    protected void receive(ChannelHandlerContext ctx, Message message) throws IOException {
        switch (message) {
            case CheckReport report -> complete(ctx, report.items());
            case Reply reply -> complete(ctx, List.of(CheckItem.failed(RECEIVER, "the receiver answered "
                    + reply.code() + ": " + reply.message())));
            default -> fail(ctx, new IOException("unexpected " + message.getClass().getSimpleName()
                    + " from the receiver"));
        }
    }
}
