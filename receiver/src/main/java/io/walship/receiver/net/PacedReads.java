package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads from the socket only once what was read before is handled (the channel does not read on its own):
 * a fast client can never queue more than one read's worth of frames ahead of the disk.
 */
final class PacedReads extends ChannelInboundHandlerAdapter {

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.read();
    }
}
