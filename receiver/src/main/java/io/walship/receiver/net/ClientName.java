package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.walship.protocol.PeerIdentity;

/** Who is on the other end: the CN of the certificate the client authenticated with. */
final class ClientName {

    private ClientName() {
    }

    static String of(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return "(no TLS)";
        }
        return PeerIdentity.commonName(tls.engine().getSession()).orElse("(no certificate name)");
    }
}
