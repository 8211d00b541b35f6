package io.walship.receiver.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Lets a compressor's close() write its trailer without closing the file underneath, which still has
 * to be fsynced.
 */
final class KeepOpenOutputStream extends FilterOutputStream {

    KeepOpenOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
