package io.walship.receiver.compress;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Plain bytes in, stored (compressed) bytes out to a channel. {@link #finish} writes the end of the
 * stream; {@link #close} releases what the sink holds, finished or not, and never closes the channel.
 */
public interface CompressingSink extends AutoCloseable {

    /** Consumes all of {@code plain}. */
    void write(ByteBuffer plain) throws IOException;

    void finish() throws IOException;

    @Override
    void close();
}
