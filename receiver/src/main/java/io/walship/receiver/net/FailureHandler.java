package io.walship.receiver.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.TlsFailure;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.Rejection;
import java.io.IOException;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The end of the pipeline, where whatever no handler took ends, and the one place where a failure becomes a
 * reply: a message nobody expects and a broken protocol get REJECTED, any other failure (a receiver bug, a
 * connection idle for too long) FAILED, each logged by {@link AccessLog}, and the connection is closed. Only
 * what leaves no connection to answer on, a failed TLS handshake or a connection the network broke, ends it
 * with nothing but a log line.
 */
final class FailureHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());

    private final ReceiverMetrics metrics;
    /** Set once the failure is answered: what was read after it gets no second answer. */
    private boolean closing;
    /** Set once the TLS handshake succeeded: a TLS failure after it is no failed handshake. */
    private boolean handshaken;

    FailureHandler(ReceiverMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        protocolError(ctx, "unexpected " + msg.getClass().getSimpleName() + " message");
    }

    /**
     * Every TLS handshake ends in this event, a failed one whether or not an exception tells of it (a peer that
     * closes the connection mid-handshake only ends it): so failed handshakes are counted here, once each.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                handshaken = true;
            } else {
                metrics.tlsFailed(TlsFailure.cause(handshake.cause()));
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        switch (root) {
            case ProtocolViolation violation -> protocolError(ctx, violation.getMessage());
            case SSLException tls -> {
                if (handshaken) {
                    metrics.tlsFailed(TlsFailure.cause(tls));
                }
                LOG.warning("TLS with " + ctx.channel().remoteAddress() + " failed: " + TlsFailure.atReceiver(tls));
                ctx.close();
            }
            case IOException broken when !(cause instanceof DecoderException) -> {
                LOG.warning("connection " + ctx.channel().remoteAddress() + " failed: " + broken);
                ctx.close();
            }
            case ReadTimeoutException timeout -> answer(ctx, ReplyCode.FAILED, "nothing arrived on this connection "
                    + "for too long; the receiver closes it");
            default -> {
                if (cause instanceof DecoderException) {
                    protocolError(ctx, root.getMessage());
                } else {
                    answer(ctx, ReplyCode.FAILED, "the receiver failed on this connection (" + root
                            + "); retry, and see the receiver's log if it happens again");
                }
            }
        }
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        if (!closing) {
            metrics.rejected(ReceiverMetrics.UNKNOWN_SERVER, Rejection.PROTOCOL);
        }
        answer(ctx, ReplyCode.REJECTED, "protocol error: " + why);
    }

    private void answer(ChannelHandlerContext ctx, ReplyCode code, String message) {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new Reply(code, message)).addListener(ChannelFutureListener.CLOSE);
    }
}
