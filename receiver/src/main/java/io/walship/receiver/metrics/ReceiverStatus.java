package io.walship.receiver.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a running receiver says of itself to {@code walship receiver-status}: a view of its metrics registry, the
 * same figures Prometheus scrapes, since the receiver started. Times are ISO-8601 instants, counts whole numbers;
 * label values are map keys.
 *
 * @param servers by {@code server} label, {@link ReceiverMetrics#UNKNOWN_SERVER} included once it counted anything
 * @param connections open connections by client certificate
 * @param uploadsInProgress uploads under way by client certificate
 * @param tlsFailures failed TLS handshakes and connections by cause
 */
public record ReceiverStatus(String started, Map<String, Server> servers, Map<String, Long> connections,
        Map<String, Long> uploadsInProgress, Map<String, Long> tlsFailures) {

    /**
     * One server's figures.
     *
     * @param uploads uploads answered, by reply (stored, already_stored, conflict, rejected, busy, failed)
     * @param rejected requests answered REJECTED, by reason
     * @param lastStored when the last new file was stored, null before the first
     */
    public record Server(Map<String, Long> uploads, Map<String, Long> rejected, long receivedBytes, long storedBytes,
            String lastStored) {

        /** How many uploads got {@code result} (a value of the result label). */
        public long uploads(String result) {
            return uploads.getOrDefault(result, 0L);
        }
    }

    static ReceiverStatus of(MetricSnapshots snapshots) {
        Figures figures = new Figures();
        for (MetricSnapshot snapshot : snapshots) {
            String name = snapshot.getMetadata().getName();
            switch (name) {
                case ReceiverMetrics.UPLOADS -> each(snapshot, (labels, n) ->
                        figures.server(labels).uploads.merge(labels.get("result"), (long) n, Long::sum));
                case ReceiverMetrics.REJECTED -> each(snapshot, (labels, n) ->
                        figures.server(labels).rejected.merge(labels.get("reason"), (long) n, Long::sum));
                case ReceiverMetrics.RECEIVED_BYTES -> each(snapshot, (labels, n) ->
                        figures.server(labels).receivedBytes += (long) n);
                case ReceiverMetrics.STORED_BYTES -> each(snapshot, (labels, n) ->
                        figures.server(labels).storedBytes += (long) n);
                case ReceiverMetrics.LAST_STORED -> each(snapshot, (labels, seconds) ->
                        figures.server(labels).lastStored = instant(seconds));
                case ReceiverMetrics.CONNECTIONS -> each(snapshot, (labels, n) ->
                        figures.connections.put(labels.get("client"), (long) n));
                case ReceiverMetrics.UPLOADS_IN_PROGRESS -> each(snapshot, (labels, n) ->
                        figures.uploadsInProgress.put(labels.get("client"), (long) n));
                case ReceiverMetrics.TLS_FAILURES -> each(snapshot, (labels, n) ->
                        figures.tlsFailures.put(labels.get("cause"), (long) n));
                case ReceiverMetrics.START_TIME -> each(snapshot, (labels, seconds) ->
                        figures.started = instant(seconds));
                default -> {
                }
            }
        }
        Map<String, Server> servers = new TreeMap<>();
        figures.servers.forEach((name, server) -> servers.put(name, server.build()));
        return new ReceiverStatus(figures.started, servers, figures.connections, figures.uploadsInProgress,
                figures.tlsFailures);
    }

    /** The value and labels of every data point of a counter or a gauge. */
    private static void each(MetricSnapshot snapshot, Point point) {
        for (DataPointSnapshot data : snapshot.getDataPoints()) {
            double value = switch (data) {
                case CounterSnapshot.CounterDataPointSnapshot counter -> counter.getValue();
                case GaugeSnapshot.GaugeDataPointSnapshot gauge -> gauge.getValue();
                default -> throw new IllegalArgumentException(snapshot.getMetadata().getName()
                        + " is neither a counter nor a gauge");
            };
            point.accept(data.getLabels(), value);
        }
    }

    private interface Point {
        void accept(Labels labels, double value);
    }

    private static String instant(double epochSeconds) {
        return Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
    }

    /** The figures while they are gathered from the snapshots. */
    private static final class Figures {

        private String started;
        private final Map<String, ServerFigures> servers = new TreeMap<>();
        private final Map<String, Long> connections = new TreeMap<>();
        private final Map<String, Long> uploadsInProgress = new TreeMap<>();
        private final Map<String, Long> tlsFailures = new TreeMap<>();

        ServerFigures server(Labels labels) {
            return servers.computeIfAbsent(labels.get("server"), name -> new ServerFigures());
        }
    }

    private static final class ServerFigures {

        private final Map<String, Long> uploads = new TreeMap<>();
        private final Map<String, Long> rejected = new TreeMap<>();
        private long receivedBytes;
        private long storedBytes;
        private String lastStored;

        Server build() {
            return new Server(uploads, rejected, receivedBytes, storedBytes, lastStored);
        }
    }
}
