package io.walship.receiver.store.verify;

import io.walship.wal.WalFileName;
import java.util.Comparator;
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
        byTimeline.forEach((timeline, segments) -> {
            WalFileName previous = null;
            for (WalFileName segment : segments.stream().sorted(Comparator.comparingLong(s -> s.startLsn(size)))
                    .toList()) {
                long missing = previous == null ? 0 : (segment.startLsn(size) - previous.startLsn(size)) / size - 1;
                if (missing > 0) {
                    String first = previous.segmentAfter(size, 1).name();
                    findings.critical("GAP on timeline " + timeline + ": " + (missing == 1 ? first + " is missing"
                            : missing + " segments are missing, " + first + " to " + segment.segmentAfter(size, -1)
                            .name()) + "; recovery cannot replay past it");
                }
                previous = segment;
            }
        });
    }
}
