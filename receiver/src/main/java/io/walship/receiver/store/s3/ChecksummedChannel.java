package io.walship.receiver.store.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Counts and checksums the bytes as they are stored, for the integrity checks the bucket makes: the CRC-32C
 * (which AWS and S3Proxy verify) and the MD5 of {@code Content-MD5} (which every S3 store verifies, Ceph RGW 16
 * the only one of the two).
 */
final class ChecksummedChannel implements WritableByteChannel {

    private final WritableByteChannel out;
    private final CRC32C crc = new CRC32C();
    private final MessageDigest md5 = Bucket.md5();
    private long count;

    ChecksummedChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer written = src.duplicate();
        int n = out.write(src);
        written.limit(written.position() + n);
        crc.update(written.duplicate());
        md5.update(written);
        count += n;
        return n;
    }

    int crc32c() {
        return (int) crc.getValue();
    }

    /** The MD5 of the bytes, as {@code Content-MD5} carries it; ends the digest, so call it once all are written. */
    String contentMd5() {
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    long count() {
        return count;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
