package io.walship.receiver.compress;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The codecs a stored WAL file may use. Barman keeps the plain file name and tells the codec by the
 * magic bytes at the start of the file, so {@link #sniff} is how stored files are read back.
 */
public enum Compression {
    ZSTD("zstd", "zstd", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}),
    GZIP("gzip", "gzip", new byte[] {0x1F, (byte) 0x8B, 0x08}),
    BZIP2("bzip2", "bzip2", new byte[] {0x42, 0x5A, 0x68}),
    NONE("none", "None", new byte[0]);

    private static final int BUFFER = 64 * 1024;
    /** Enough of a file's start to tell every codec's magic. */
    public static final int HEAD = 8;

    /** The value in walship's configuration. */
    public final String configName;
    /** The compression field of Barman's xlog.db. */
    public final String xlogDbName;
    private final byte[] magic;

    Compression(String configName, String xlogDbName, byte[] magic) {
        this.configName = configName;
        this.xlogDbName = xlogDbName;
        this.magic = magic;
    }

    public static Optional<Compression> fromConfig(String value) {
        String wanted = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.configName.equals(wanted)).findFirst();
    }

    /** The codec of an xlog.db compression field. */
    public static Optional<Compression> fromXlogDbName(String value) {
        return Arrays.stream(values()).filter(c -> c.xlogDbName.equals(value)).findFirst();
    }

    public static String configChoices() {
        return String.join("|", Arrays.stream(values()).map(c -> c.configName).toList());
    }

    /**
     * Where the receiver writes a file of {@code plainSize} bytes: zstd between direct buffers, the others
     * through their streams.
     */
    public CompressingSink sink(WritableByteChannel out, long plainSize) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdSink(out, plainSize);
            case GZIP -> new StreamSink(out, buffered -> new GZIPOutputStream(buffered, BUFFER));
            case BZIP2 -> new StreamSink(out, BZip2CompressorOutputStream::new);
            case NONE -> new StreamSink(out, buffered -> buffered);
        };
    }

    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStream(in);
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case NONE -> in;
        };
    }

    /** The codec whose magic starts {@code head}; plain files (WAL starts with 0xD1xx) are {@link #NONE}. */
    public static Compression sniff(byte[] head, int length) {
        for (Compression c : values()) {
            if (c.magic.length > 0 && length >= c.magic.length
                    && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
                return c;
            }
        }
        return NONE;
    }

    /** The codec of a stored file, told by its first bytes as Barman tells it. */
    public static Compression of(Path stored) throws IOException {
        try (InputStream in = Files.newInputStream(stored)) {
            byte[] head = in.readNBytes(HEAD);
            return sniff(head, head.length);
        }
    }

    /** Opens a stored file for reading its plain bytes, whatever codec wrote it. */
    public static InputStream openPlain(InputStream stored) throws IOException {
        BufferedInputStream in = buffered(stored);
        byte[] head = head(in);
        return sniff(head, head.length).decompress(in);
    }

    /** A stored file's stream, buffered so that its first bytes can be looked at ({@link #head}) and read again. */
    public static BufferedInputStream buffered(InputStream stored) {
        return new BufferedInputStream(stored, BUFFER);
    }

    /** Up to {@link #HEAD} first bytes of {@code in}, which is left where it was. */
    public static byte[] head(BufferedInputStream in) throws IOException {
        in.mark(HEAD);
        byte[] head = in.readNBytes(HEAD);
        in.reset();
        return head;
    }
}
