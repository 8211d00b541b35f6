package io.walship.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/** A peer sent something this protocol does not allow. */
public class ProtocolException extends CorruptedFrameException {

    public ProtocolException(String message) {
        super(message);
    }
}
