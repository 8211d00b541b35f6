package io.walship.receiver.store.barman;

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
final class VerifiedPlain extends FilterInputStream {

    private final String name;
    private final PlainChecksums.Sum expected;
    private final CRC32C crc = new CRC32C();
    private long size;
    private boolean checked;

    VerifiedPlain(InputStream plain, String name, PlainChecksums.Sum expected) {
        super(plain);
        this.name = name;
        this.expected = expected;
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
        if (size != expected.size() || (int) crc.getValue() != expected.crc32c()) {
            throw new IOException(name + " no longer holds what was stored: " + size + " plain bytes with CRC-32C "
                    + HexFormat.of().toHexDigits((int) crc.getValue()) + ", stored were " + expected.size()
                    + " with " + HexFormat.of().toHexDigits(expected.crc32c()));
        }
    }
}
