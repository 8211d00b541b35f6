package io.walship.receiver.it;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * The formats Barman stores WAL in, told apart by their magic bytes as Barman itself does: the test's own reading
 * of stored bytes, through the codec libraries directly rather than the receiver's compression code.
 */
enum StoredCodec {
    ZSTD("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
    GZIP("gzip", new byte[] {0x1f, (byte) 0x8b}),
    BZIP2("bzip2", new byte[] {0x42, 0x5a, 0x68}),
    NONE("None", new byte[0]);

    /** The compression column of xlog.db. */
    final String xlogDbName;
    private final byte[] magic;

    StoredCodec(String xlogDbName, byte[] magic) {
        this.xlogDbName = xlogDbName;
        this.magic = magic;
    }

    static StoredCodec sniff(byte[] stored) {
        for (StoredCodec c : values()) {
            if (c != NONE && startsWith(stored, c.magic)) {
                return c;
            }
        }
        return NONE;
    }

    static byte[] decompress(byte[] stored) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(stored);
        try (InputStream plain = switch (sniff(stored)) {
            case ZSTD -> new ZstdInputStream(in);
            case GZIP -> new GZIPInputStream(in);
            case BZIP2 -> new BZip2CompressorInputStream(in);
            case NONE -> in;
        }) {
            return plain.readAllBytes();
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
