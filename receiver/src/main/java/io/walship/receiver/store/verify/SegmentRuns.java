package io.walship.receiver.store.verify;

import io.walship.wal.WalFileName;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The segments of each timeline an archive holds, for the one check that needs them all: that they follow one
 * another without a gap (like WAL-G's wal-verify), since recovery stops at the first missing segment. The segment
 * size is the pinned one, else that of the first sound segment seen, else 16 MiB.
 */
public final class SegmentRuns {

    private static final long DEFAULT_SEGMENT_SIZE = 16L << 20;

    private final Map<Long, Set<WalFileName>> byTimeline = new TreeMap<>();
    private OptionalLong segmentSize;

    public SegmentRuns(OptionalLong pinnedSegmentSize) {
        this.segmentSize = pinnedSegmentSize;
    }

    /** A stored segment, and its plain size when it was read sound (empty when it was not). */
    public void add(WalFileName segment, OptionalLong soundSize) {
        if (segmentSize.isEmpty()) {
            segmentSize = soundSize;
        }
        byTimeline.computeIfAbsent(segment.timeline(), t -> new HashSet<>()).add(segment);
    }

    /** Each run of missing segments, named by its first and last, as a CRITICAL finding. */
    public void reportGaps(Findings findings) {
        long size = segmentSize.orElse(DEFAULT_SEGMENT_SIZE);
        long perLog = 0x1_0000_0000L / size;
        byTimeline.forEach((timeline, segments) -> {
            Long previous = null;
            for (long number : segments.stream().mapToLong(s -> s.startLsn(size) / size).distinct().sorted()
                    .toArray()) {
                if (previous != null && number > previous + 1) {
                    long missing = number - previous - 1;
                    String first = segmentName(timeline, previous + 1, perLog);
                    findings.critical("GAP on timeline " + timeline + ": " + (missing == 1 ? first + " is missing"
                            : missing + " segments are missing, " + first + " to " + segmentName(timeline,
                            number - 1, perLog)) + "; recovery cannot replay past it");
                }
                previous = number;
            }
        });
    }

    private static String segmentName(long timeline, long number, long perLog) {
        return String.format("%08X%08X%08X", timeline, number / perLog, number % perLog);
    }
}
