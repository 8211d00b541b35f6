package io.walship.receiver.store.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/** Counts and checksums the bytes as they are stored, for the integrity checksum the bucket verifies. */
final class ChecksummedChannel implements WritableByteChannel {

    private final WritableByteChannel out;
    private final CRC32C crc = new CRC32C();
    private long count;

    ChecksummedChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer written = src.duplicate();
        int n = out.write(src);
        crc.update(written.limit(written.position() + n));
        count += n;
        return n;
    }

    int crc32c() {
        return (int) crc.getValue();
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
