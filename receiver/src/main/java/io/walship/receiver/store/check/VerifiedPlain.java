package io.walship.receiver.store.check;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A stored file's plain bytes as they are served, held against the size and CRC-32C recorded when it was stored:
 * at the end, a mismatch fails the read, so that damage at rest reaches the client as a failure rather than as
 * bytes. (Codecs with checksums of their own fail earlier, in the codec.)
 */
public final class VerifiedPlain extends FilterInputStream {

    private final String name;
    private final long expectedSize;
    private final int expectedCrc32c;
    private final CRC32C crc = new CRC32C();
    private long size;
    private boolean checked;

    public VerifiedPlain(InputStream plain, String name, long expectedSize, int expectedCrc32c) {
        super(plain);
        this.name = name;
        this.expectedSize = expectedSize;
        this.expectedCrc32c = expectedCrc32c;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            crc.update(b, off, n);
            size += n;
        } else if (n < 0) {
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave " + name + " unverified");
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (size != expectedSize || (int) crc.getValue() != expectedCrc32c) {
            throw new IOException(name + " no longer holds what was stored: " + size + " plain bytes with CRC-32C "
                    + HexFormat.of().toHexDigits((int) crc.getValue()) + ", stored were " + expectedSize
                    + " with " + HexFormat.of().toHexDigits(expectedCrc32c));
        }
    }
}
