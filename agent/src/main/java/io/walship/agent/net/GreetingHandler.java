package io.walship.agent.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.walship.protocol.Hello;

/** Says HELLO as soon as TLS is up; turns a failed handshake or a silent receiver into an exception. */
final class GreetingHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                ctx.writeAndFlush(Hello.current());
            } else {
                ctx.fireExceptionCaught(handshake.cause());
            }
        } else if (event instanceof IdleStateEvent) {
            ctx.fireExceptionCaught(new NoAnswer("the receiver did not answer for too long"));
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }
}
