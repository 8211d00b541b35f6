package io.walship.receiver.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The end of the pipeline, where whatever no handler took ends: a message nobody expects and a broken protocol
 * get a REJECTED reply (logged by {@link AccessLog}) and the connection closed; a failed TLS handshake and any
 * other error a log line and the connection closed.
 */
final class FailureHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());

    /** Set once the protocol error is answered: what was read after it gets no second answer. */
    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        protocolError(ctx, "unexpected " + msg.getClass().getSimpleName() + " message");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        switch (root) {
            case ProtocolViolation violation -> protocolError(ctx, violation.getMessage());
            case SSLException tls -> {
                LOG.warning("TLS with " + ctx.channel().remoteAddress() + " failed: " + tls.getMessage());
                ctx.close();
            }
            default -> {
                if (cause instanceof DecoderException) {
                    protocolError(ctx, root.getMessage());
                    return;
                }
                LOG.warning("connection " + ctx.channel().remoteAddress() + " failed: " + root);
                ctx.close();
            }
        }
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new Reply(ReplyCode.REJECTED, "protocol error: " + why))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
