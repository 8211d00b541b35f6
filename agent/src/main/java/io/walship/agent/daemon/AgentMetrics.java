package io.walship.agent.daemon;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.walship.agent.pg.ArchiveLag;
import io.walship.protocol.ReplyCode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The read-ahead agent's figures, in a registry of its own: always counted, served to Prometheus only with
 * {@code metrics_listen}. The archive lag is read when scraped, so that it costs nothing while nobody asks: in
 * segments and seconds from archive_status (the ready files, the age of the oldest), and in bytes from PostgreSQL.
 */
final class AgentMetrics {

    private static final Logger LOG = Logger.getLogger(AgentMetrics.class.getName());

    static final String READY_FILES = "walship_agent_ready_files";
    static final String OLDEST_READY_AGE = "walship_agent_oldest_ready_age_seconds";
    static final String ARCHIVE_LAG_BYTES = "walship_agent_archive_lag_bytes";
    static final String SHIPPED_FILES = "walship_agent_shipped_files";
    static final String SHIPPED_BYTES = "walship_agent_shipped_bytes";
    static final String UPLOAD_SECONDS = "walship_agent_upload_duration_seconds";
    static final String UPLOAD_FAILURES = "walship_agent_upload_failures";
    static final String HELD_BACK = "walship_agent_held_back";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String server;
    private final Counter shippedFiles;
    private final Counter shippedBytes;
    private final Histogram uploadSeconds;
    private final Counter uploadFailures;
    private final Gauge heldBack;

    /**
     * The figures of an agent shipping for {@code server} what {@code ready} lists, aged by {@code clock}, with the
     * lag in bytes that {@code lag} gives at each scrape (unreported while it gives none).
     */
    AgentMetrics(String server, ReadyFiles ready, Supplier<Optional<ArchiveLag>> lag, Clock clock) {
        this.server = server;
        GaugeWithCallback.builder().name(READY_FILES).labelNames("server")
                .help("WAL files PostgreSQL marked .ready and has not archived yet")
                .callback(gauge -> backlog(ready).ifPresent(backlog -> gauge.call(backlog.files(), server)))
                .register(registry);
        GaugeWithCallback.builder().name(OLDEST_READY_AGE).unit(Unit.SECONDS).labelNames("server")
                .help("How long ago PostgreSQL marked the oldest .ready file; 0 when none waits")
                .callback(gauge -> backlog(ready).ifPresent(backlog -> gauge.call(backlog.oldest()
                        .map(marked -> Math.max(0, Duration.between(marked, clock.instant()).toMillis() / 1000.0))
                        .orElse(0.0), server)))
                .register(registry);
        GaugeWithCallback.builder().name(ARCHIVE_LAG_BYTES).unit(Unit.BYTES).labelNames("server")
                .help("WAL PostgreSQL wrote after the end of the last segment it archived (pg_current_wal_lsn())")
                .callback(gauge -> lag.get().ifPresent(bytes -> gauge.call(bytes.bytes(), server)))
                .register(registry);
        shippedFiles = Counter.builder().name(SHIPPED_FILES).labelNames("server", "result")
                .help("Files the agent shipped and recorded, by reply: stored, already_stored").register(registry);
        shippedBytes = Counter.builder().name(SHIPPED_BYTES).unit(Unit.BYTES).labelNames("server")
                .help("Plain bytes of the files the agent shipped").register(registry);
        uploadSeconds = Histogram.builder().name(UPLOAD_SECONDS).unit(Unit.SECONDS).labelNames("server")
                .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
                .help("From opening a file to the receiver's acknowledgement, of the files shipped")
                .register(registry);
        uploadFailures = Counter.builder().name(UPLOAD_FAILURES).labelNames("server")
                .help("Uploads that failed and hold back what follows until retried").register(registry);
        heldBack = Gauge.builder().name(HELD_BACK).labelNames("server")
                .help("1 while a failing file holds back what follows it, else 0").register(registry);
        shippedFiles.initLabelValues(server, result(ReplyCode.STORED));
        shippedFiles.initLabelValues(server, result(ReplyCode.ALREADY_STORED));
        shippedBytes.initLabelValues(server);
        uploadFailures.initLabelValues(server);
        heldBack.labelValues(server).set(0);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** A file of {@code bytes} the receiver acknowledged with {@code code} (stored or already stored). */
    void shipped(ReplyCode code, long bytes, long nanos) {
        shippedFiles.labelValues(server, result(code)).inc();
        shippedBytes.labelValues(server).inc(bytes);
        uploadSeconds.labelValues(server).observe(Unit.nanosToSeconds(nanos));
    }

    void failed() {
        uploadFailures.labelValues(server).inc();
    }

    void heldBack(boolean held) {
        heldBack.labelValues(server).set(held ? 1 : 0);
    }

    /**
     * Read at each scrape. When archive_status cannot be read the lag goes unreported, rather than reported as
     * none, and the log says why.
     */
    private static Optional<ReadyFiles.Backlog> backlog(ReadyFiles ready) {
        try {
            return Optional.of(ready.backlog());
        } catch (IOException e) {
            LOG.warning("cannot count the ready files for the metrics: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String result(ReplyCode code) {
        return code.name().toLowerCase(Locale.ROOT);
    }
}
