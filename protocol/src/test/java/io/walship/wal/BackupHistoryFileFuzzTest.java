package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.fuzz.Corpus;
import io.walship.fuzz.Corpus.Seed;
import io.walship.fuzz.FuzzBudget;
import io.walship.fuzz.Mutation;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes {@link BackupHistoryFile}: arbitrary text and bytes and mutations of the seed files in
 * {@code fuzz/backup-history} (each named by the WAL file name it is valid for), with and without a known segment
 * size. {@code problem()} never throws, {@code parse()} throws nothing but the {@link IllegalArgumentException}
 * that carries the same one-line message, what parses starts in the segment its name says, and a file accepted
 * for a known segment size is accepted without one. A fixed number of tries with a fixed seed keeps CI runs short
 * and reproducible; {@code -Dwalship.fuzz.tries=N} raises the tries for a long local run (see {@link FuzzBudget}).
 */
@AddLifecycleHook(FuzzBudget.class)
class BackupHistoryFileFuzzTest {

    private static final List<Seed> SEEDS = Corpus.of("backup-history");
    private static final List<byte[]> TOKENS = WalTextTokens.of("\n", " ", ": ", "/", "(", ")", "0", "1", "F", "a",
            "FFFFFFFF", "00000028", "\0", "é", "😀", "START WAL LOCATION: ", "STOP WAL LOCATION: ", " (file ",
            "000000010000000000000002", "LABEL: ", "\n\n", "START WAL LOCATION: 0/2000028 (file "
                    + "000000010000000000000002)\n");
    private static final List<Long> SEGMENT_SIZES = LongStream.rangeClosed(20, 30).mapToObj(shift -> 1L << shift)
            .toList();

    @Property(tries = 10_000, seed = "7203")
    void parseAndProblemAgreeAndWhatParsesStartsWhereItsNameSays(@ForAll("names") WalFileName name,
            @ForAll("contents") byte[] content, @ForAll("segmentSizes") long segmentSize) {
        Optional<BackupHistoryFile> anySize = checked(name, () -> BackupHistoryFile.parse(name, content),
                BackupHistoryFile.problem(name, content));
        Optional<BackupHistoryFile> knownSize = checked(name,
                () -> BackupHistoryFile.parse(name, content, segmentSize),
                BackupHistoryFile.problem(name, content, segmentSize));
        if (knownSize.isPresent()) {
            assertEquals(knownSize, anySize, "accepted for " + segmentSize + "-byte segments but not for any size");
            assertStartsInItsSegment(name, knownSize.get(), segmentSize);
        }
        anySize.ifPresent(file -> assertTrue(SEGMENT_SIZES.stream().anyMatch(size -> startsIn(name, file, size)),
                "no segment size puts the start where the name says: " + file));
    }

    @Example
    void everySeedIsValid() {
        for (Seed seed : SEEDS) {
            WalFileName name = WalFileName.parse(seed.name());
            assertEquals(Optional.empty(), BackupHistoryFile.problem(name, seed.bytes()), seed.name());
            assertEquals(seed.name().substring(0, 24), BackupHistoryFile.parse(name, seed.bytes()).startFile());
        }
    }

    /** Mostly the name a seed is valid for, sometimes another offset in that segment or another name. */
    @Provide
    Arbitrary<WalFileName> names() {
        Arbitrary<WalFileName> seedNames = Arbitraries.of(SEEDS).map(seed -> WalFileName.parse(seed.name()));
        Arbitrary<WalFileName> otherOffset = Combinators.combine(seedNames, Arbitraries.integers())
                .as((name, offset) -> WalFileName.parse(String.format("%s.%08X.backup", name.name().substring(0, 24),
                        offset)));
        return Arbitraries.frequencyOf(Tuple.of(6, seedNames), Tuple.of(1, otherOffset),
                Tuple.of(1, Arbitraries.just(WalFileName.parse("00000002.history"))));
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(SEEDS), Mutation.lists(6))
                .as((seed, mutations) -> Mutation.applyAll(seed.bytes(), mutations, TOKENS));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.strings().ofMaxLength(200).map(WalTextTokens::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(6, mutated));
    }

    /** The valid sizes, and a few that are not, which parse() refuses with a message of its own. */
    @Provide
    Arbitrary<Long> segmentSizes() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(SEGMENT_SIZES)),
                Tuple.of(1, Arbitraries.of(0L, -1L, 1000L, 3L << 20, 1L << 31)));
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
