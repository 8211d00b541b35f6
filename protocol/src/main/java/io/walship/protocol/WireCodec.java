package io.walship.protocol;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/** Installs the frame and message codec, the same on both ends of a connection. */
public final class WireCodec {

    private WireCodec() {
    }

    /** Splits the byte stream at the 4-byte length prefix; a frame above {@link Limits#MAX_FRAME} fails fast. */
    public static LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(Limits.LENGTH_PREFIX + Limits.MAX_FRAME, 0, Limits.LENGTH_PREFIX, 0,
                Limits.LENGTH_PREFIX, true);
    }

    public static void addTo(ChannelPipeline pipeline) {
        pipeline.addLast("frames", frameDecoder());
        pipeline.addLast("decoder", new MessageDecoder());
        pipeline.addLast("encoder", new MessageEncoder());
    }
}
