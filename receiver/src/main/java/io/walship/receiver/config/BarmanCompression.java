package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.Compression;
import java.util.Optional;

/**
 * Barman's {@code compression} setting mapped to what walship writes. Barman tells a stored file's codec by its
 * magic bytes, so any name that produces the same bytes works: {@code pygzip} and {@code pigz} write gzip,
 * {@code pybzip2} writes bzip2. walship cannot write lz4, xz, snappy or a custom filter.
 */
public final class BarmanCompression {

    private BarmanCompression() {
    }

    /** The codec walship writes for Barman's value ({@code empty}: Barman stores WAL as it is). */
    public static Compression of(Optional<String> barmanValue, String source) throws ConfigException {
        if (barmanValue.isEmpty()) {
            return Compression.NONE;
        }
        String value = barmanValue.get();
        // Barman looks names up as written: "GZIP" is no compression to it.
        return switch (value) {
            case "gzip", "pygzip", "pigz" -> Compression.GZIP;
            case "bzip2", "pybzip2" -> Compression.BZIP2;
            case "zstd" -> Compression.ZSTD;
            case "lz4", "xz", "snappy", "custom" -> throw new ConfigException(source + ": Barman compresses with "
                    + value + ", which walship cannot write; use gzip, bzip2, zstd (Barman 3.12 or later) or no "
                    + "compression for the servers walship archives to");
            default -> throw new ConfigException(source + ": '" + value + "' is not a compression Barman knows "
                    + "(gzip, pigz, pygzip, bzip2, pybzip2, zstd, lz4, xz, snappy, custom); fix Barman's "
                    + "configuration first");
        };
    }

    /** Whether the given Barman release reads what walship writes with {@code compression}. */
    public static boolean readable(Compression compression, BarmanVersion barman) {
        return compression != Compression.ZSTD || barman.readsZstd();
    }
}
