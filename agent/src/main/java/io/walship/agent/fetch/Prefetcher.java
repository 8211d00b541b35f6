package io.walship.agent.fetch;

import io.walship.agent.net.ReceiverFailure;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps the next {@code depth} segments after the one recovery last asked for in the spool, fetching
 * up to {@link #PARALLEL} at once, so that each restore_command call finds its segment waiting. Stops
 * at the first segment the archive does not have yet, and quits once recovery stops asking.
 */
final class Prefetcher {

    private static final Logger LOG = Logger.getLogger(Prefetcher.class.getName());
    /**
     * Downloads at once: two keep a link busy across the gap between one download and the next; more would share
     * the link between segments and deliver the one recovery waits for later.
     */
    static final int PARALLEL = 2;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long asks are still answered after recovery ended, counted from the end or the last ask. */
    private static final long ENDED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * A segment the archive did not have (or that failed to download) is asked for again after this long (the
     * primary may be behind, the receiver may be back), twice as long each time it is still missing, up to
     * {@link #MISSING_RETRY_MAX_NANOS}. Only that one is asked again, not the window behind it; recovery's own
     * request for it goes to the receiver at once in any case.
     */
    private static final long MISSING_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MISSING_RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(16);

    private record Missing(String name, long since, long retryNanos) {
    }

    private final ReadAheadSpool spool;
    private final Fetcher fetcher;
    private final int depth;
    private final Set<String> inflight = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Missing> missing = new AtomicReference<>();
    private volatile String stopReason;
    private volatile long lastAsked = System.nanoTime();
    private final Supplier<Optional<String>> recoveryEnded;

    /** {@code recoveryEnded} says why recovery is over, when it knows; it is asked at every poll. */
    Prefetcher(ReadAheadSpool spool, Fetcher fetcher, int depth, Supplier<Optional<String>> recoveryEnded) {
        this.spool = spool;
        this.fetcher = fetcher;
        this.depth = depth;
        this.recoveryEnded = recoveryEnded;
    }

    /** Recovery asked for a file through {@link FetchRequests}: it is still recovering. */
    void asked() {
        lastAsked = System.nanoTime();
    }

    /** Makes {@link #run} return {@code why} soon, its downloads broken off. */
    void stop(String why) {
        stopReason = why;
    }

    /**
     * Reads ahead until recovery ends or stops asking, or until {@link #stop}; returns why it ended, for the log.
     * Once recovery ended or stopped asking, what is left in the spool is dropped: a new recovery starts a new
     * read-ahead.
     */
    String run() throws IOException, InterruptedException {
        spool.dropLeftovers();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(depth, PARALLEL));
        boolean idle = false;
        try {
            Optional<ReadAheadSpool.Wanted> last = Optional.empty();
            long lastChange = System.nanoTime();
            long endedAt = 0;
            while (stopReason == null) {
                long now = System.nanoTime();
                Optional<String> ended = recoveryEnded.get();
                if (ended.isPresent()) {
                    // PostgreSQL still probes for history files after it removed the signal files: those are
                    // answered for a while, the spool already emptied of what is not being written.
                    if (endedAt == 0) {
                        endedAt = now;
                        spool.dropStale(Set.copyOf(inflight));
                    }
                    if (now - Math.max(endedAt, lastAsked) >= ENDED_GRACE_NANOS) {
                        idle = true;
                        return ended.get();
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                    continue;
                }
                if (now - lastChange >= IDLE_NANOS && now - lastAsked >= IDLE_NANOS) {
                    idle = true;
                    return "recovery has asked for no segment for " + TimeUnit.NANOSECONDS.toSeconds(IDLE_NANOS)
                            + " s";
                }
                Optional<ReadAheadSpool.Wanted> wanted = spool.wanted();
                if (!wanted.equals(last)) {
                    last = wanted;
                    lastChange = System.nanoTime();
                }
                if (wanted.isPresent()) {
                    readAhead(wanted.get(), pool);
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            return stopReason;
        } finally {
            pool.shutdownNow();
            if (pool.awaitTermination(30, TimeUnit.SECONDS) && idle) {
                spool.dropStale(Set.of());
            }
        }
    }

    private void readAhead(ReadAheadSpool.Wanted wanted, ExecutorService pool) throws IOException {
        List<WalFileName> window = new ArrayList<>();
        for (int i = 1; i <= depth; i++) {
            window.add(wanted.name().segmentAfter(wanted.segmentSize(), i));
        }
        Set<String> keep = new HashSet<>(inflight);
        window.forEach(name -> keep.add(name.name()));
        // The segment recovery asked for last, and the one before (it asks for the next one first, the one that
        // fails, before it reads the last again at the end of recovery).
        keep.add(wanted.name().name());
        if (wanted.name().startLsn(wanted.segmentSize()) > 0) {
            keep.add(wanted.name().segmentAfter(wanted.segmentSize(), -1).name());
        }
        spool.dropStale(keep);
        Missing gap = missing.get();
        if (gap != null && !keep.contains(gap.name())) {
            // Recovery moved past it, or to another timeline.
            missing.compareAndSet(gap, null);
            gap = null;
        }
        for (WalFileName name : window) {
            if (gap != null) {
                int order = name.name().compareTo(gap.name());
                if (order > 0 || order == 0 && System.nanoTime() - gap.since() < gap.retryNanos()) {
                    return;
                }
            }
            if (!inflight.contains(name.name()) && !Files.exists(spool.pathOf(name))) {
                inflight.add(name.name());
                pool.execute(() -> fetch(name));
            }
        }
    }

    private void fetch(WalFileName name) {
        try {
            FetchResult result = fetcher.fetch(name, spool.pathOf(name), spool::publish);
            switch (result.status()) {
                case FETCHED -> missing.updateAndGet(m -> m != null && m.name().equals(name.name()) ? null : m);
                case NOT_FOUND -> gapAt(name);
                default -> failed(name, result.message());
            }
        } catch (ReceiverFailure | IOException e) {
            failed(name, e.getMessage());
        } finally {
            inflight.remove(name.name());
        }
    }

    private void gapAt(WalFileName name) {
        missing.accumulateAndGet(new Missing(name.name(), System.nanoTime(), MISSING_RETRY_NANOS),
                Prefetcher::firstGap);
    }

    /**
     * A failed download (receiver down, refusing, a damaged file) is a gap too, retried with the same back-off:
     * asking again at once would spin on a receiver that is down. Recovery's own request goes to the receiver at
     * once in any case.
     */
    private void failed(WalFileName name, String why) {
        LOG.warning("read-ahead of " + name.name() + " failed: " + why);
        gapAt(name);
    }

    /** The earliest segment found missing is the gap; found missing again, it is asked for less often. */
    private static Missing firstGap(Missing old, Missing now) {
        if (old == null || old.name().compareTo(now.name()) > 0) {
            return now;
        }
        if (old.name().equals(now.name())) {
            return new Missing(now.name(), now.since(), Math.min(old.retryNanos() * 2, MISSING_RETRY_MAX_NANOS));
        }
        return old;
    }
}
