package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster writing WAL steadily, as a busy primary does: rows and a segment switch, a pause, again, on a thread
 * of its own until {@link #stop}, so that uploads are always under way while the test breaks things.
 */
final class WalLoad implements AutoCloseable {

    private final PostgresCluster cluster;
    private final Duration pause;
    private final List<String> switched = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private WalLoad(PostgresCluster cluster, Duration pause) {
        this.cluster = cluster;
        this.pause = pause;
        this.thread = Thread.ofPlatform().daemon().name("walship-it-wal-load").unstarted(this::run);
    }

    static WalLoad start(PostgresCluster cluster, Duration pause) {
        WalLoad load = new WalLoad(cluster, pause);
        load.thread.start();
        return load;
    }

    private void run() {
        try {
            while (!stopping) {
                String name = cluster.switchWal();
                synchronized (switched) {
                    switched.add(name);
                }
                Thread.sleep(pause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | AssertionError e) {
            failure = e;
        }
    }

    /** How many segments the load has switched so far. */
    int count() {
        synchronized (switched) {
            return switched.size();
        }
    }

    /** Waits until the load has switched {@code more} segments beyond {@code count}. */
    void awaitMore(int count, int more, Duration timeout) throws IOException {
        boolean reached = PostgresCluster.poll(timeout, () -> {
            checkHealthy();
            return count() >= count + more;
        });
        if (!reached) {
            fail("the WAL load switched " + (count() - count) + " of " + more + " segments within " + timeout
                    + "\n--- server log ---\n" + cluster.logTail());
        }
    }

    /** Ends the load and returns every segment it switched, in order; fails if a switch failed. */
    List<String> stop() throws IOException {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the WAL load", e);
        }
        if (thread.isAlive()) {
            fail("the WAL load did not stop within 60 s\n--- server log ---\n" + cluster.logTail());
        }
        checkHealthy();
        synchronized (switched) {
            return List.copyOf(switched);
        }
    }

    private void checkHealthy() throws IOException {
        if (failure != null) {
            throw new IOException("the WAL load failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        thread.interrupt();
    }
}
