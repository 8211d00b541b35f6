package io.walship.receiver.compress;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/** A codec that only has a stream API (gzip, bzip2, or none), behind a buffer, into the channel. */
final class StreamSink implements CompressingSink {

    /** Wraps the buffered channel in a codec's stream. */
    interface Codec {
        OutputStream wrap(OutputStream buffered) throws IOException;
    }

    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final byte[] scratch = new byte[BUFFER];

    StreamSink(WritableByteChannel channel, Codec codec) throws IOException {
        this.out = codec.wrap(new BufferedOutputStream(new KeepOpenOutputStream(Channels.newOutputStream(channel)),
                BUFFER));
    }

    @Override
    public void write(ByteBuffer plain) throws IOException {
        while (plain.hasRemaining()) {
            int n = Math.min(plain.remaining(), scratch.length);
            plain.get(scratch, 0, n);
            out.write(scratch, 0, n);
        }
    }

    @Override
    public void finish() throws IOException {
        out.close();
    }

    @Override
    public void close() {
    }
}
