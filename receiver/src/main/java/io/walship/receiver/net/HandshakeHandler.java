package io.walship.receiver.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.walship.protocol.Capabilities;
import io.walship.protocol.Hello;
import io.walship.protocol.ProtocolVersion;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.Welcome;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.Rejection;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Agrees on the protocol version with the first message and admits the connection within the receiver's limits,
 * then steps out of the pipeline.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(HandshakeHandler.class.getName());

    private final Admission admission;
    private final ReceiverMetrics metrics;
    /** Set once the connection is refused: the frames read after it, until it is closed, get no second answer. */
    private boolean refused;

    HandshakeHandler(Admission admission, ReceiverMetrics metrics) {
        this.admission = admission;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Hello hello)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "the first message must be HELLO; is the agent a walship agent?");
            return;
        }
        if (hello.magic() != Hello.MAGIC) {
            refuse(ctx, "HELLO carries the wrong magic; this port serves walship agents only");
        } else if (!ProtocolVersion.isSupported(hello.version())) {
            refuse(ctx, "the agent speaks protocol version " + hello.version() + ", this receiver speaks version "
                    + ProtocolVersion.CURRENT + "; install matching walship versions");
        } else {
            admit(ctx);
        }
    }

    /** Counted from here, where the client's certificate is known, until the connection closes. */
    private void admit(ChannelHandlerContext ctx) {
        String client = ClientName.of(ctx);
        Optional<String> busy = admission.admitConnection(client);
        if (busy.isPresent()) {
            refused = true;
            LOG.warning("refused a connection of " + ctx.channel().remoteAddress() + " (certificate '" + client
                    + "'): " + busy.get());
            ctx.writeAndFlush(new Reply(ReplyCode.BUSY, busy.get())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().closeFuture().addListener(closed -> admission.releaseConnection(client));
        ctx.writeAndFlush(new Welcome(ProtocolVersion.CURRENT, Capabilities.CURRENT));
        ctx.pipeline().remove(this);
    }

    /** A frame that cannot be decoded after the refusal is no reason for a second answer. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused && cause instanceof DecoderException) {
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Logged here too: the agent may not be walship's and print nothing, and an operator looks here first. */
    private void refuse(ChannelHandlerContext ctx, String why) {
        refused = true;
        metrics.rejected(ReceiverMetrics.UNKNOWN_SERVER, Rejection.PROTOCOL);
        LOG.warning("refused " + ctx.channel().remoteAddress() + " (certificate '" + ClientName.of(ctx) + "'): "
                + why);
        ctx.writeAndFlush(new Reply(ReplyCode.REJECTED, why)).addListener(ChannelFutureListener.CLOSE);
    }
}
