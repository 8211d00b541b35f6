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
import java.util.logging.Logger;

/**
 * Keeps the next {@code depth} segments after the one recovery last asked for in the spool, fetching
 * up to {@link #PARALLEL} at once, so that each restore_command call finds its segment waiting. Stops
 * at the first segment the archive does not have yet, and quits once recovery stops asking.
 */
final class Prefetcher {

    private static final Logger LOG = Logger.getLogger(Prefetcher.class.getName());
    static final int PARALLEL = 4;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A segment the archive did not have is asked for again after this long (the primary may be behind). */
    private static final long MISSING_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Missing(String name, long since) {
    }

    private final ReadAheadSpool spool;
    private final Fetcher fetcher;
    private final int depth;
    private final Set<String> inflight = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Missing> missing = new AtomicReference<>();
    private volatile String stopReason;

    Prefetcher(ReadAheadSpool spool, Fetcher fetcher, int depth) {
        this.spool = spool;
        this.fetcher = fetcher;
        this.depth = depth;
    }

    /** Makes {@link #run} return {@code why} soon, its downloads broken off. */
    void stop(String why) {
        stopReason = why;
    }

    /** Reads ahead until recovery stops asking, or until {@link #stop}; returns why it ended, for the log. */
    String run() throws IOException, InterruptedException {
        spool.dropLeftovers();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(depth, PARALLEL));
        try {
            Optional<ReadAheadSpool.Wanted> last = Optional.empty();
            long lastChange = System.nanoTime();
            while (stopReason == null) {
                if (System.nanoTime() - lastChange >= IDLE_NANOS) {
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
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void readAhead(ReadAheadSpool.Wanted wanted, ExecutorService pool) throws IOException {
        List<WalFileName> window = new ArrayList<>();
        for (int i = 1; i <= depth; i++) {
            window.add(wanted.name().segmentAfter(wanted.segmentSize(), i));
        }
        Set<String> keep = new HashSet<>(inflight);
        window.forEach(name -> keep.add(name.name()));
        spool.dropStale(keep);
        Missing gap = missing.get();
        for (WalFileName name : window) {
            if (gap != null && name.name().compareTo(gap.name()) >= 0
                    && System.nanoTime() - gap.since() < MISSING_RETRY_NANOS) {
                return;
            }
            if (!inflight.contains(name.name()) && !Files.exists(spool.pathOf(name))) {
                inflight.add(name.name());
                pool.execute(() -> fetch(name));
            }
        }
    }

    private void fetch(WalFileName name) {
        try {
            FetchResult result = fetcher.fetch(name, spool.pathOf(name));
            switch (result.status()) {
                case FETCHED -> missing.updateAndGet(m -> m != null && m.name().equals(name.name()) ? null : m);
                case NOT_FOUND -> missing.accumulateAndGet(new Missing(name.name(), System.nanoTime()),
                        (old, now) -> old != null && old.name().compareTo(now.name()) < 0
                                && now.since() - old.since() < MISSING_RETRY_NANOS ? old : now);
                default -> LOG.warning("read-ahead of " + name.name() + " failed: " + result.message());
            }
        } catch (ReceiverFailure | IOException e) {
            LOG.warning("read-ahead of " + name.name() + " failed: " + e.getMessage());
        } finally {
            inflight.remove(name.name());
        }
    }
}
