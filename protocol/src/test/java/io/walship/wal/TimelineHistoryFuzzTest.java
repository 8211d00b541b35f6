package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.fuzz.Corpus;
import io.walship.fuzz.Corpus.Seed;
import io.walship.fuzz.Fuzz;
import io.walship.fuzz.Mutator;
import io.walship.wal.TimelineHistory.Entry;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link TimelineHistory}: arbitrary text and bytes, generated switch lines and mutations of the seed files
 * in {@code fuzz/timeline-history} (each named by the WAL file name it is valid for). {@code problem()} never
 * throws, {@code parse()} throws nothing but the {@link IllegalArgumentException} that carries the same one-line
 * message, and what parses is a valid ancestry that reads back the same when written out as PostgreSQL does.
 * A fixed number of tries with a fixed seed keeps CI runs short and reproducible (see {@link Fuzz}).
 */
class TimelineHistoryFuzzTest {

    private static final List<Seed> SEEDS = Corpus.of("timeline-history");
    private static final Mutator MUTATOR = new Mutator(SEEDS.stream().map(Seed::bytes).toList(),
            WalTextTokens.of("\n", "\t", " ", "\r", "#", "/", "0", "1", "2", "9", "10", "4294967295", "4294967296",
                    "FFFFFFFF", "ff", "0/0", "\0", "é", "ÿ", "\u00A0", "\uFFFF", "\uFFFD", "😀", "\n\n",
                    "x".repeat(1100), "1\t0/3000060\tno recovery target specified\n",
                    "\tat restore point \"mise_à_jour\"\n"));
    private static final List<String> REASONS = List.of("", "\tno recovery target specified", " before 2024-03-01",
            "\t\t", "# c");

    @Test
    void parseAndProblemAgreeAndWhatParsesIsAValidAncestry() {
        Fuzz.run(7202, 10_000, attempt -> {
            Seed seed = attempt.pick(SEEDS);
            WalFileName name = attempt.input("name", name(attempt, seed));
            byte[] content = attempt.input("content", content(attempt, seed));
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
        });
    }

    @Test
    void everySeedIsValid() {
        for (Seed seed : SEEDS) {
            WalFileName name = WalFileName.parse(seed.name());
            assertEquals(Optional.empty(), TimelineHistory.problem(name, seed.bytes()), seed.name());
            assertAncestry(name, TimelineHistory.parse(name, seed.bytes()));
        }
    }

    /** Mostly the name {@code seed} is valid for, sometimes any history name. */
    private static WalFileName name(Fuzz.Try attempt, Seed seed) {
        RandomGenerator random = attempt.random();
        return switch (random.nextInt(6)) {
            case 0 -> history(attempt.pick(List.of(2L, 3L, 5L, 10L)));
            case 1 -> history(random.nextLong(0x1_0000_0000L));
            default -> WalFileName.parse(seed.name());
        };
    }

    private static WalFileName history(long timeline) {
        return WalFileName.parse(String.format("%08X.history", timeline));
    }

    /** Mostly {@code seed} mutated, sometimes arbitrary text, bytes or switch lines. */
    private static byte[] content(Fuzz.Try attempt, Seed seed) {
        RandomGenerator random = attempt.random();
        return switch (random.nextInt(10)) {
            case 0 -> WalTextTokens.utf8(WalTextTokens.randomText(random, 200));
            case 1 -> Mutator.randomBytes(random, 200);
            case 2, 3 -> switchLines(attempt);
            default -> MUTATOR.mutate(random, seed.bytes(), 6);
        };
    }

    /** Well-formed lines with small timeline IDs, in any order: what the ordering checks see. */
    private static byte[] switchLines(Fuzz.Try attempt) {
        RandomGenerator random = attempt.random();
        List<String> lines = new ArrayList<>();
        for (int i = random.nextInt(9); i > 0; i--) {
            lines.add(random.nextInt(3) == 0 ? attempt.pick(List.of("", "# comment", "   "))
                    : String.format("%d\t%X/%X%s", random.nextInt(13), random.nextLong(0x1_0000_0000L),
                            random.nextLong(0x1_0000_0000L), attempt.pick(REASONS)));
        }
        return WalTextTokens.utf8(String.join("\n", lines));
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

    /**
     * The file as PostgreSQL's writeTimeLineHistory() would write these entries. A U+FFFD in a reason stands for
     * bytes that were not UTF-8 and is written as one such byte, 0xFF, which reads back as U+FFFD, so that no line
     * grows longer than it was and past what PostgreSQL reads.
     */
    private static byte[] written(TimelineHistory history) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (Entry e : history.entries()) {
            String line = String.format("%d\t%X/%X\t%s\n", e.parentTimeline(), e.switchLsn() >>> 32,
                    e.switchLsn() & 0xFFFF_FFFFL, e.reason());
            String[] readable = line.split("\uFFFD", -1);
            for (int i = 0; i < readable.length; i++) {
                if (i > 0) {
                    file.write(0xFF);
                }
                file.writeBytes(WalTextTokens.utf8(readable[i]));
            }
        }
        return file.toByteArray();
    }
}
