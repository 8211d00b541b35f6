package io.walship.receiver.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.StoreEvents;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every figure the receiver keeps of its work, in a registry of its own (so that receivers sharing a JVM in tests
 * stay apart): always counted, served to Prometheus only with {@code metrics_listen}, and read by
 * {@code walship receiver-status} through {@link #status}. Labels take bounded values only: the configured servers
 * (anything else counts as {@link #UNKNOWN_SERVER}), the fixed reasons and causes, the client certificates the CA
 * issued.
 */
public final class ReceiverMetrics implements StoreEvents {

    /** The {@code server} label of a request naming no server the receiver has, or made outside any request. */
    public static final String UNKNOWN_SERVER = "(unknown)";

    static final String UPLOADS = "walship_receiver_uploads";
    static final String REJECTED = "walship_receiver_rejected";
    static final String RECEIVED_BYTES = "walship_receiver_received_bytes";
    static final String STORED_BYTES = "walship_receiver_stored_bytes";
    static final String UPLOAD_SECONDS = "walship_receiver_upload_duration_seconds";
    static final String LOCK_WAIT_SECONDS = "walship_receiver_lock_wait_seconds";
    static final String LAST_STORED = "walship_receiver_last_stored_timestamp_seconds";
    static final String CONNECTIONS = "walship_receiver_connections";
    static final String UPLOADS_IN_PROGRESS = "walship_receiver_uploads_in_progress";
    static final String TLS_FAILURES = "walship_receiver_tls_failures";
    static final String START_TIME = "walship_receiver_start_time_seconds";

    /** The replies an upload can get, each a value of the {@code result} label. */
    static final List<ReplyCode> UPLOAD_RESULTS = List.of(ReplyCode.STORED, ReplyCode.ALREADY_STORED,
            ReplyCode.CONFLICT, ReplyCode.REJECTED, ReplyCode.BUSY, ReplyCode.FAILED);

    /** What the receiver has open at this moment, by client certificate. */
    public interface Activity {

        Activity NONE = new Activity() {
            @Override
            public Map<String, Integer> connections() {
                return Map.of();
            }

            @Override
            public Map<String, Integer> uploads() {
                return Map.of();
            }
        };

        Map<String, Integer> connections();

        Map<String, Integer> uploads();
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> servers;
    private final Set<String> clients;
    private final Clock clock;
    private final Counter uploads;
    private final Counter rejected;
    private final Counter receivedBytes;
    private final Counter storedBytes;
    private final Histogram uploadSeconds;
    private final Histogram lockWaitSeconds;
    private final Gauge lastStored;
    private final Counter tlsFailures;
    private volatile Activity activity = Activity.NONE;

    /**
     * The figures of a receiver archiving for {@code servers} from {@code clients} (the certificate names its
     * configuration allows, each counted from zero), timed by {@code clock}.
     */
    public ReceiverMetrics(Collection<String> servers, Collection<String> clients, Clock clock) {
        this.servers = Set.copyOf(servers);
        this.clients = Set.copyOf(clients);
        this.clock = clock;
        uploads = Counter.builder().name(UPLOADS).labelNames("server", "result")
                .help("Uploads answered, by server and reply: stored, already_stored, conflict, rejected, busy, "
                        + "failed").register(registry);
        rejected = Counter.builder().name(REJECTED).labelNames("server", "reason")
                .help("Requests answered REJECTED (uploads, downloads, broken protocol), by server and reason")
                .register(registry);
        receivedBytes = Counter.builder().name(RECEIVED_BYTES).unit(Unit.BYTES).labelNames("server")
                .help("Bytes of uploads as they crossed the wire (zstd where the agent compressed), those of refused "
                        + "uploads included").register(registry);
        storedBytes = Counter.builder().name(STORED_BYTES).unit(Unit.BYTES).labelNames("server")
                .help("Bytes written into the archive by stored files, as stored (compressed)").register(registry);
        uploadSeconds = Histogram.builder().name(UPLOAD_SECONDS).unit(Unit.SECONDS).labelNames("server")
                .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
                .help("From PUT to the reply, of uploads answered STORED or ALREADY_STORED").register(registry);
        lockWaitSeconds = Histogram.builder().name(LOCK_WAIT_SECONDS).unit(Unit.SECONDS).labelNames("server")
                .classicOnly().classicUpperBounds(0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 240)
                .help("Waits for Barman's xlog.db lock, this receiver's queue and the flock together, "
                        + "including those that reached lock_timeout").register(registry);
        lastStored = Gauge.builder().name(LAST_STORED).unit(Unit.SECONDS).labelNames("server")
                .help("When the last new file was stored and indexed, in seconds since the epoch")
                .register(registry);
        tlsFailures = Counter.builder().name(TLS_FAILURES).labelNames("cause")
                .help("Failed TLS handshakes, and TLS failures after one, by cause").register(registry);
        GaugeWithCallback.builder().name(CONNECTIONS).labelNames("client")
                .help("Open connections past the handshake, by client certificate")
                .callback(gauge -> byClient(activity.connections()).forEach((client, n) -> gauge.call(n, client)))
                .register(registry);
        GaugeWithCallback.builder().name(UPLOADS_IN_PROGRESS).labelNames("client")
                .help("Uploads under way, by client certificate")
                .callback(gauge -> byClient(activity.uploads()).forEach((client, n) -> gauge.call(n, client)))
                .register(registry);
        Gauge.builder().name(START_TIME).unit(Unit.SECONDS).help("When the receiver started, in seconds since the "
                + "epoch").register(registry).set(clock.millis() / 1000.0);
        for (String server : this.servers) {
            UPLOAD_RESULTS.forEach(result -> uploads.initLabelValues(server, result(result)));
            receivedBytes.initLabelValues(server);
            storedBytes.initLabelValues(server);
            uploadSeconds.initLabelValues(server);
            lockWaitSeconds.initLabelValues(server);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Counts the open connections and uploads {@code now} says the receiver has. */
    public void watch(Activity now) {
        activity = now;
    }

    /** The figures as {@code walship receiver-status} shows them. */
    public ReceiverStatus status() {
        return ReceiverStatus.of(registry.scrape());
    }

    /** An upload to {@code server} answered with {@code outcome}, {@code nanos} after its PUT. */
    public void answered(String server, Outcome outcome, long nanos) {
        String label = server(server);
        uploads.labelValues(label, result(outcome.code())).inc();
        outcome.rejection().ifPresent(why -> rejected.labelValues(label, why.label()).inc());
        if (outcome.code().isArchived()) {
            uploadSeconds.labelValues(label).observe(Unit.nanosToSeconds(nanos));
        }
    }

    /** A request that is no upload answered REJECTED: a download, a broken protocol. */
    public void rejected(String server, Rejection why) {
        rejected.labelValues(server(server), why.label()).inc();
    }

    /** The bytes of an upload to {@code server} as they arrive, encoded as they were sent. */
    public void received(String server, long bytes) {
        receivedBytes.labelValues(server(server)).inc(bytes);
    }

    /** A failed TLS handshake or connection; {@code cause} is one of the fixed words of TlsFailure.cause. */
    public void tlsFailed(String cause) {
        tlsFailures.labelValues(cause).inc();
    }

    @Override
    public void lockWaited(String server, long nanos) {
        lockWaitSeconds.labelValues(server(server)).observe(Unit.nanosToSeconds(nanos));
    }

    @Override
    public void stored(String server, long bytes) {
        String label = server(server);
        storedBytes.labelValues(label).inc(bytes);
        lastStored.labelValues(label).set(clock.millis() / 1000.0);
    }

    /** The configured clients at zero, then what is open: a certificate CN, of a CA-issued certificate. */
    private Map<String, Integer> byClient(Map<String, Integer> open) {
        Map<String, Integer> counts = new TreeMap<>();
        clients.forEach(client -> counts.put(client, 0));
        counts.putAll(open);
        return counts;
    }

    private String server(String name) {
        return name != null && servers.contains(name) ? name : UNKNOWN_SERVER;
    }

    static String result(ReplyCode code) {
        return code.name().toLowerCase(Locale.ROOT);
    }
}
