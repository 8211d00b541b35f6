package io.walship.receiver.compress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;

/**
 * The codecs walship writes to a bucket, named and suffixed as barman-cloud-wal-archive names them
 * ({@code --gzip}, {@code --bzip2}, {@code --snappy}; no flag: the plain file). barman-cloud-wal-restore tells the
 * codec by the key's suffix, not by magic bytes, so the suffix and the bytes must agree. Snappy is the framing
 * format python-snappy's {@code stream_compress} writes (chunks with masked CRC-32C), which barman-cloud needs
 * python3-snappy to restore.
 */
public enum CloudCompression {
    GZIP("gzip", ".gz"),
    BZIP2("bzip2", ".bz2"),
    SNAPPY("snappy", ".snappy"),
    NONE("none", "");

    private static final int BUFFER = 64 * 1024;

    /** The value of a server section's {@code compression}. */
    public final String configName;
    /** What barman-cloud appends to the WAL file's name. */
    public final String suffix;

    CloudCompression(String configName, String suffix) {
        this.configName = configName;
        this.suffix = suffix;
    }

    public static Optional<CloudCompression> fromConfig(String value) {
        return Arrays.stream(values()).filter(c -> c.configName.equals(value)).findFirst();
    }

    public static String configChoices() {
        return String.join("|", Arrays.stream(values()).map(c -> c.configName).toList());
    }

    /** Where the receiver writes a file of {@code plainSize} bytes in this codec. */
    public CompressingSink sink(WritableByteChannel out, long plainSize) throws IOException {
        return switch (this) {
            case GZIP -> Compression.GZIP.sink(out, plainSize);
            case BZIP2 -> Compression.BZIP2.sink(out, plainSize);
            case SNAPPY -> new StreamSink(out, FramedSnappyCompressorOutputStream::new);
            case NONE -> Compression.NONE.sink(out, plainSize);
        };
    }

    /** The plain bytes of {@code in}, which this codec wrote; a damaged stream fails the read. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case GZIP -> Compression.GZIP.decompress(in);
            case BZIP2 -> Compression.BZIP2.decompress(in);
            case SNAPPY -> new FramedSnappyCompressorInputStream(new BufferedInputStream(in, BUFFER));
            case NONE -> Compression.NONE.decompress(in);
        };
    }
}
