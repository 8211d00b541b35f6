package io.walship.benchmarks;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Discards what is written, as a stream or a channel, and counts it, so compression is measured without I/O. */
final class CountingSink extends OutputStream implements WritableByteChannel {

    private long count;

    @Override
    public void write(int b) {
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        count += len;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        count += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    long count() {
        return count;
    }

    CountingSink reset() {
        count = 0;
        return this;
    }
}
