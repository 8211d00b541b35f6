package io.walship.receiver.store.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.receiver.store.verify.Findings.Finding;
import io.walship.receiver.store.verify.Findings.Severity;
import io.walship.wal.WalFileName;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SegmentRunsTest {

    private static final long MIB16 = 16L << 20;

    private static List<Finding> gaps(SegmentRuns runs) {
        Findings findings = new Findings();
        runs.reportGaps(findings);
        return findings.report("pg", 0, 0).findings();
    }

    private static void add(SegmentRuns runs, String... names) {
        for (String name : names) {
            runs.add(WalFileName.parse(name), OptionalLong.of(MIB16));
        }
    }

    @Test
    void segmentsThatFollowOneAnotherAcrossALogHaveNoGap() {
        SegmentRuns runs = new SegmentRuns(OptionalLong.of(MIB16));
        add(runs, "0000000100000000000000FF", "0000000100000000000000FE", "000000010000000100000000");

        assertEquals(List.of(), gaps(runs));
    }

    @Test
    void aRunOfMissingSegmentsIsNamedByItsFirstAndLastAcrossALog() {
        SegmentRuns runs = new SegmentRuns(OptionalLong.of(MIB16));
        add(runs, "0000000100000000000000FE", "000000010000000100000002", "000000020000000000000001",
                "000000020000000000000003");

        assertEquals(List.of(
                new Finding(Severity.CRITICAL, "GAP on timeline 1: 3 segments are missing, 0000000100000000000000FF "
                        + "to 000000010000000100000001; recovery cannot replay past it"),
                new Finding(Severity.CRITICAL, "GAP on timeline 2: 000000020000000000000002 is missing; recovery "
                        + "cannot replay past it")), gaps(runs));
    }

    /** 1 MiB segments: 4096 to a log, so ...00000FFF is followed by the next log's first. */
    @Test
    void withoutAPinTheFirstSoundSegmentGivesTheSize() {
        SegmentRuns runs = new SegmentRuns(OptionalLong.empty());
        runs.add(WalFileName.parse("000000010000000000000FFE"), OptionalLong.empty());
        runs.add(WalFileName.parse("000000010000000000000FFF"), OptionalLong.of(1L << 20));
        runs.add(WalFileName.parse("000000010000000100000001"), OptionalLong.of(1L << 20));

        assertEquals(List.of(new Finding(Severity.CRITICAL, "GAP on timeline 1: 000000010000000100000000 is "
                + "missing; recovery cannot replay past it")), gaps(runs));
    }
}
