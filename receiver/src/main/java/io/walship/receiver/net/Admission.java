package io.walship.receiver.net;

import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.metrics.ReceiverMetrics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections and uploads against {@link ReceiverLimits}, in all and per client certificate: a request past
 * a limit is answered BUSY at once, so that the agent retries later, rather than queued without bound.
 */
final class Admission implements ReceiverMetrics.Activity {

    private final ReceiverLimits limits;
    private final Counter connections;
    private final Counter uploads;

    Admission(ReceiverLimits limits) {
        this.limits = limits;
        this.connections = new Counter("connections", "max_connections", limits.maxConnections(),
                limits.maxConnectionsPerClient());
        this.uploads = new Counter("uploads", "max_uploads", limits.maxUploads(), limits.maxUploadsPerClient());
    }

    ReceiverLimits limits() {
        return limits;
    }

    /** Whether a new connection may start its TLS handshake at all: from twice the limit on, none may. */
    boolean acceptsHandshakes(int openConnections) {
        return openConnections < 2L * limits.maxConnections();
    }

    /** Takes a connection of {@code client}, or says why not; {@link #releaseConnection} gives it back. */
    Optional<String> admitConnection(String client) {
        return connections.take(client).map(full -> full + "; retry shortly");
    }

    void releaseConnection(String client) {
        connections.give(client);
    }

    /** Takes an upload of {@code client}, or says why not; {@link #releaseUpload} gives it back. */
    Optional<String> admitUpload(String client) {
        return uploads.take(client).map(full -> full + "; nothing was stored, retry shortly");
    }

    void releaseUpload(String client) {
        uploads.give(client);
    }

    @Override
    public Map<String, Integer> connections() {
        return Map.copyOf(connections.byClient);
    }

    @Override
    public Map<String, Integer> uploads() {
        return Map.copyOf(uploads.byClient);
    }

    /** Units in use in all and per client, never above their limits. */
    private static final class Counter {

        private final String what;
        private final String key;
        private final int max;
        private final int maxPerClient;
        private final AtomicInteger total = new AtomicInteger();
        private final Map<String, Integer> byClient = new ConcurrentHashMap<>();

        Counter(String what, String key, int max, int maxPerClient) {
            this.what = what;
            this.key = key;
            this.max = max;
            this.maxPerClient = maxPerClient;
        }

        /** Empty when taken, else which limit is reached. */
        Optional<String> take(String client) {
            boolean[] full = new boolean[1];
            byClient.compute(client, (c, own) -> {
                int count = own == null ? 0 : own;
                full[0] = count >= maxPerClient;
                return full[0] ? own : count + 1;
            });
            if (full[0]) {
                return Optional.of("certificate '" + client + "' has " + maxPerClient + " " + what + " open, the "
                        + "receiver's " + key + "_per_client");
            }
            if (total.incrementAndGet() > max) {
                total.decrementAndGet();
                give(client, false);
                return Optional.of("the receiver has " + max + " " + what + " open, its " + key);
            }
            return Optional.empty();
        }

        void give(String client) {
            give(client, true);
        }

        private void give(String client, boolean counted) {
            if (counted) {
                total.decrementAndGet();
            }
            byClient.computeIfPresent(client, (c, own) -> own == 1 ? null : own - 1);
        }
    }
}
