package io.walship.benchmarks;

import java.io.OutputStream;

/** Discards what is written and counts it, so compression is measured without any I/O. */
final class CountingSink extends OutputStream {

    private long count;

    @Override
    public void write(int b) {
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        count += len;
    }

    long count() {
        return count;
    }

    CountingSink reset() {
        count = 0;
        return this;
    }
}
