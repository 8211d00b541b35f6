package io.walship.benchmarks;

import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The real WAL segments the benchmarks work on, written by a PostgreSQL 15 run of {@code benchmarks/make-wal-corpus}.
 * The directory is {@code -Dwalship.corpus=DIR}, else {@code $WALSHIP_CORPUS}, else {@code benchmarks/target/wal-corpus}
 * (or {@code target/wal-corpus} when run from the benchmarks directory). One benchmark operation is one whole segment;
 * {@link #next} walks the segments round robin so every result averages all of them.
 */
final class WalCorpus {

    static final String PROPERTY = "walship.corpus";
    static final String ENV = "WALSHIP_CORPUS";

    /** One segment: its name, its bytes on the heap and in a direct buffer (as Netty hands them over), its CRC-32C. */
    record Segment(Path file, WalFileName name, byte[] bytes, ByteBuffer direct, int crc32c) {

        int size() {
            return bytes.length;
        }
    }

    private final Path directory;
    private final List<Segment> segments;
    private int next;

    private WalCorpus(Path directory, List<Segment> segments) {
        this.directory = directory;
        this.segments = segments;
    }

    static WalCorpus load() {
        Path dir = location();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no WAL corpus at " + dir.toAbsolutePath() + ": run benchmarks/make-wal-corpus "
                    + "first, or point -D" + PROPERTY + "=DIR (or " + ENV + ") at a directory of WAL segments");
        }
        List<Segment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.matches("[0-9A-F]{24}") || !Files.isRegularFile(file)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                if (Long.bitCount(bytes.length) != 1 || bytes.length < (1 << 20)) {
                    throw new IllegalStateException(file + " is " + bytes.length + " bytes, not a whole WAL segment; "
                            + "rebuild the corpus with benchmarks/make-wal-corpus");
                }
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                segments.add(new Segment(file, WalFileName.parse(name), bytes, direct, (int) crc.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the WAL corpus in " + dir, e);
        }
        if (segments.isEmpty()) {
            throw new IllegalStateException("the WAL corpus " + dir.toAbsolutePath() + " holds no WAL segments: run "
                    + "benchmarks/make-wal-corpus first, or point -D" + PROPERTY + "=DIR at a directory of segments");
        }
        return new WalCorpus(dir, List.copyOf(segments));
    }

    private static Path location() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path fromRoot = Path.of("benchmarks", "target", "wal-corpus");
        Path fromModule = Path.of("target", "wal-corpus");
        return !Files.isDirectory(fromRoot) && Files.isDirectory(fromModule) ? fromModule : fromRoot;
    }

    Path directory() {
        return directory;
    }

    List<Segment> segments() {
        return segments;
    }

    /** The next segment, round robin. */
    Segment next() {
        Segment segment = segments.get(next);
        next = (next + 1) % segments.size();
        return segment;
    }

    /** Segment size of the corpus (all segments of one cluster have the same). */
    int segmentSize() {
        return segments.getFirst().size();
    }
}
