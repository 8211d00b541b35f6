package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.fuzz.Corpus;
import io.walship.fuzz.Corpus.Seed;
import io.walship.fuzz.FuzzBudget;
import io.walship.fuzz.Mutation;
import io.walship.wal.TimelineHistory.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
 * Fuzzes {@link TimelineHistory}: arbitrary text and bytes, generated switch lines and mutations of the seed files
 * in {@code fuzz/timeline-history} (each named by the WAL file name it is valid for). {@code problem()} never
 * throws, {@code parse()} throws nothing but the {@link IllegalArgumentException} that carries the same one-line
 * message, and what parses is a valid ancestry that reads back the same when written out as PostgreSQL does.
 * A fixed number of tries with a fixed seed keeps CI runs short and reproducible; {@code -Dwalship.fuzz.tries=N}
 * raises the tries for a long local run (see {@link FuzzBudget}).
 */
@AddLifecycleHook(FuzzBudget.class)
class TimelineHistoryFuzzTest {

    private static final List<Seed> SEEDS = Corpus.of("timeline-history");
    private static final List<byte[]> TOKENS = WalTextTokens.of("\n", "\t", " ", "\r", "#", "/", "0", "1", "2", "9",
            "10", "4294967295", "4294967296", "FFFFFFFF", "ff", "0/0", "\0", "é", "\uFFFF", "😀",
            "1\t0/3000060\tno recovery target specified\n", "\n\n", "x".repeat(1100));

    @Property(tries = 10_000, seed = "7202")
    void parseAndProblemAgreeAndWhatParsesIsAValidAncestry(@ForAll("names") WalFileName name,
            @ForAll("contents") byte[] content) {
        Optional<String> problem = TimelineHistory.problem(name, content);
        TimelineHistory history;
        try {
            history = TimelineHistory.parse(name, content);
        } catch (IllegalArgumentException e) {
            assertEquals(problem, Optional.of(e.getMessage()));
            WalTextTokens.assertOneLine(e.getMessage(), name);
            return;
        }
        assertEquals(Optional.empty(), problem);
        assertAncestry(name, history);
        assertEquals(history, TimelineHistory.parse(name, written(history)), "written out and read back");
    }

    @Example
    void everySeedIsValid() {
        for (Seed seed : SEEDS) {
            WalFileName name = WalFileName.parse(seed.name());
            assertEquals(Optional.empty(), TimelineHistory.problem(name, seed.bytes()), seed.name());
            assertAncestry(name, TimelineHistory.parse(name, seed.bytes()));
        }
    }

    /** Mostly the name a seed is valid for, sometimes any history name. */
    @Provide
    Arbitrary<WalFileName> names() {
        Arbitrary<WalFileName> any = Arbitraries.longs().between(0, 0xFFFF_FFFFL)
                .map(timeline -> WalFileName.parse(String.format("%08X.history", timeline)));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(SEEDS).map(seed -> WalFileName.parse(seed.name()))),
                Tuple.of(1, Arbitraries.of(2L, 3L, 5L, 10L).map(t -> WalFileName.parse(String.format("%08X.history", t)))),
                Tuple.of(1, any));
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(SEEDS), Mutation.lists(6))
                .as((seed, mutations) -> Mutation.applyAll(seed.bytes(), mutations, TOKENS));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.strings().ofMaxLength(200).map(WalTextTokens::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(2, switchLines()),
                Tuple.of(6, mutated));
    }

    /** Well-formed lines with small timeline IDs, in any order: what the ordering checks see. */
    private static Arbitrary<byte[]> switchLines() {
        Arbitrary<String> line = Combinators.combine(Arbitraries.longs().between(0, 12),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.of("", "\tno recovery target specified", " before 2024-03-01", "\t\t", "# c"))
                .as((tli, hi, lo, reason) -> String.format("%d\t%X/%X%s", tli, hi, lo, reason));
        Arbitrary<String> comment = Arbitraries.of("", "# comment", "   ");
        return Arbitraries.oneOf(line, line, comment).list().ofMaxSize(8)
                .map(lines -> WalTextTokens.utf8(String.join("\n", lines)));
    }

    private static void assertAncestry(WalFileName name, TimelineHistory history) {
        assertEquals(name.timeline(), history.timeline());
        assertFalse(history.entries().isEmpty(), "no entries");
        long previous = 0;
        for (Entry entry : history.entries()) {
            assertTrue(entry.parentTimeline() > previous, "timelines not increasing: " + history);
            assertTrue(entry.parentTimeline() < history.timeline(), "timeline not below the file's: " + history);
            assertFalse(entry.reason().contains("\n"), "a reason spans lines: " + history);
            previous = entry.parentTimeline();
        }
    }

    /** The file as PostgreSQL's writeTimeLineHistory() would write these entries. */
    private static byte[] written(TimelineHistory history) {
        return history.entries().stream()
                .map(e -> String.format("%d\t%X/%X\t%s\n", e.parentTimeline(), e.switchLsn() >>> 32,
                        e.switchLsn() & 0xFFFF_FFFFL, e.reason()))
                .collect(Collectors.joining())
                .getBytes(StandardCharsets.UTF_8);
    }
}
