package io.walship.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** A chunk of file content. Reference counted: whoever consumes it releases it. */
public final class Data extends DefaultByteBufHolder implements Message {

    public Data(ByteBuf content) {
        super(content);
    }

    @Override
    public Data replace(ByteBuf content) {
        return new Data(content);
    }
}
