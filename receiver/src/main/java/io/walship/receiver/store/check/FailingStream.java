package io.walship.receiver.store.check;

import java.io.IOException;
import java.io.InputStream;

/** A stored file known to be damaged before its first byte is served: reading it fails with why. */
public final class FailingStream extends InputStream {

    private final InputStream stored;
    private final String why;

    public FailingStream(InputStream stored, String why) {
        this.stored = stored;
        this.why = why;
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }

    @Override
    public int read() throws IOException {
        throw new IOException(why);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        throw new IOException(why);
    }
}
