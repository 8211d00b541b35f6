package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.fuzz.Corpus;
import io.walship.fuzz.Corpus.Seed;
import io.walship.fuzz.Fuzz;
import io.walship.fuzz.Mutator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link BackupHistoryFile}: arbitrary text and bytes and mutations of the seed files in
 * {@code fuzz/backup-history} (each named by the WAL file name it is valid for), with and without a known segment
 * size. {@code problem()} never throws, {@code parse()} throws nothing but the {@link IllegalArgumentException}
 * that carries the same one-line message, what parses starts in the segment its name says, and a file accepted
 * for a known segment size is accepted without one. A fixed number of tries with a fixed seed keeps CI runs short
 * and reproducible (see {@link Fuzz}).
 */
class BackupHistoryFileFuzzTest {

    private static final List<Seed> SEEDS = Corpus.of("backup-history");
    private static final Mutator MUTATOR = new Mutator(SEEDS.stream().map(Seed::bytes).toList(),
            WalTextTokens.of("\n", " ", ": ", "/", "(", ")", "0", "1", "F", "a", "FFFFFFFF", "00000028", "\0", "é",
                    "ÿ", "«", "\uFFFD", "😀", "START WAL LOCATION: ", "STOP WAL LOCATION: ", " (file ", "000000010000000000000002",
                    "LABEL: ", "\n\n", "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"));
    private static final List<Long> SEGMENT_SIZES = LongStream.rangeClosed(20, 30).mapToObj(shift -> 1L << shift)
            .toList();
    /** Sizes parse() refuses with a message of its own. */
    private static final List<Long> INVALID_SEGMENT_SIZES = List.of(0L, -1L, 1000L, 3L << 20, 1L << 31);

    @Test
    void parseAndProblemAgreeAndWhatParsesStartsWhereItsNameSays() {
        Fuzz.run(7203, 10_000, attempt -> {
            Seed seed = attempt.pick(SEEDS);
            WalFileName name = attempt.input("name", name(attempt, seed));
            byte[] content = attempt.input("content", content(attempt, seed));
            long segmentSize = attempt.input("segment size",
                    attempt.pick(attempt.random().nextInt(9) == 0 ? INVALID_SEGMENT_SIZES : SEGMENT_SIZES));
            Optional<BackupHistoryFile> anySize = checked(name, () -> BackupHistoryFile.parse(name, content),
                    BackupHistoryFile.problem(name, content));
            Optional<BackupHistoryFile> knownSize = checked(name,
                    () -> BackupHistoryFile.parse(name, content, segmentSize),
                    BackupHistoryFile.problem(name, content, segmentSize));
            if (knownSize.isPresent()) {
                assertEquals(knownSize, anySize, "accepted for " + segmentSize + "-byte segments but not for any "
                        + "size");
                assertStartsInItsSegment(name, knownSize.get(), segmentSize);
            }
            anySize.ifPresent(file -> assertTrue(SEGMENT_SIZES.stream().anyMatch(size -> startsIn(name, file, size)),
                    "no segment size puts the start where the name says: " + file));
        });
    }

    @Test
    void everySeedIsValid() {
        for (Seed seed : SEEDS) {
            WalFileName name = WalFileName.parse(seed.name());
            assertEquals(Optional.empty(), BackupHistoryFile.problem(name, seed.bytes()), seed.name());
            assertEquals(seed.name().substring(0, 24), BackupHistoryFile.parse(name, seed.bytes()).startFile());
        }
    }

    /**
     * Mostly the name {@code seed} is valid for, sometimes another offset in its segment, the name of another
     * seed or not a backup name at all.
     */
    private static WalFileName name(Fuzz.Try attempt, Seed seed) {
        return switch (attempt.random().nextInt(10)) {
            case 0 -> WalFileName.parse(String.format("%s.%08X.backup", seed.name().substring(0, 24),
                    attempt.random().nextInt()));
            case 1 -> WalFileName.parse(attempt.pick(SEEDS).name());
            case 2 -> WalFileName.parse("00000002.history");
            default -> WalFileName.parse(seed.name());
        };
    }

    /** Mostly {@code seed} mutated, sometimes arbitrary text or bytes. */
    private static byte[] content(Fuzz.Try attempt, Seed seed) {
        RandomGenerator random = attempt.random();
        return switch (random.nextInt(8)) {
            case 0 -> WalTextTokens.utf8(WalTextTokens.randomText(random, 200));
            case 1 -> Mutator.randomBytes(random, 200);
            default -> MUTATOR.mutate(random, seed.bytes(), 6);
        };
    }

    /** Runs {@code parse}, which may only fail as documented, with the message {@code problem} gave. */
    private static Optional<BackupHistoryFile> checked(WalFileName name, Supplier<BackupHistoryFile> parse,
            Optional<String> problem) {
        try {
            BackupHistoryFile file = parse.get();
            assertEquals(Optional.empty(), problem);
            return Optional.of(file);
        } catch (IllegalArgumentException e) {
            assertEquals(problem, Optional.of(e.getMessage()));
            if (!e.getMessage().endsWith("is not a WAL segment size (a power of two from 1 MiB to 1 GiB)")) {
                WalTextTokens.assertOneLine(e.getMessage(), name);
            }
            return Optional.empty();
        }
    }

    private static void assertStartsInItsSegment(WalFileName name, BackupHistoryFile file, long segmentSize) {
        assertTrue(startsIn(name, file, segmentSize), file + " does not start where " + name.name() + " says");
    }

    /** Whether PostgreSQL names a backup that starts where {@code file} says as {@code name} is named. */
    private static boolean startsIn(WalFileName name, BackupHistoryFile file, long segmentSize) {
        return file.startFile().equals(name.name().substring(0, 24))
                && pgName(name.timeline(), file.startLsn(), segmentSize).equals(name.name());
    }

    /** The name BackupHistoryFileName() gives a backup starting at {@code lsn}, the way PostgreSQL computes it. */
    private static String pgName(long timeline, long lsn, long segmentSize) {
        long segment = Long.divideUnsigned(lsn, segmentSize);
        long segmentsPerLog = 0x1_0000_0000L / segmentSize;
        return String.format("%08X%08X%08X.%08X.backup", timeline, segment / segmentsPerLog, segment % segmentsPerLog,
                Long.remainderUnsigned(lsn, segmentSize));
    }
}
