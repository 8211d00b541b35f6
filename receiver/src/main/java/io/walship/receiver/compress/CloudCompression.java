package io.walship.receiver.compress;

import java.util.Arrays;
import java.util.Optional;

/**
 * The codecs walship writes to a bucket, named and suffixed as barman-cloud-wal-archive names them
 * ({@code --gzip}, {@code --bzip2}; no flag: the plain file). barman-cloud-wal-restore tells the codec by the
 * key's suffix, not by magic bytes, so the suffix and the bytes must agree. Snappy, which barman-cloud also
 * writes, is left out: its restore needs python-snappy, which Debian's barman-cli-cloud does not bring.
 */
public enum CloudCompression {
    GZIP("gzip", ".gz", Compression.GZIP),
    BZIP2("bzip2", ".bz2", Compression.BZIP2),
    NONE("none", "", Compression.NONE);

    /** The value of a server section's {@code compression}. */
    public final String configName;
    /** What barman-cloud appends to the WAL file's name. */
    public final String suffix;
    /** The codec that writes and reads the bytes. */
    public final Compression codec;

    CloudCompression(String configName, String suffix, Compression codec) {
        this.configName = configName;
        this.suffix = suffix;
        this.codec = codec;
    }

    public static Optional<CloudCompression> fromConfig(String value) {
        return Arrays.stream(values()).filter(c -> c.configName.equals(value)).findFirst();
    }

    public static String configChoices() {
        return String.join("|", Arrays.stream(values()).map(c -> c.configName).toList());
    }
}
