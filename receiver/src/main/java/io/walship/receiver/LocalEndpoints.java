package io.walship.receiver;

import io.walship.metrics.MetricsEndpoint;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.status.StatusSocket;
import java.io.IOException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What the receiver serves besides archiving: its metrics to Prometheus on {@code metrics_listen} (when set) and
 * its status to {@code walship receiver-status} on {@code status_socket}. Another receiver answering on the same
 * status socket (two receivers sharing a barman_home) costs this one its status socket, not its start.
 */
final class LocalEndpoints implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEndpoints.class.getName());

    private final Optional<MetricsEndpoint> metrics;
    private final Optional<StatusSocket> status;
    private final String statusNotServed;

    private LocalEndpoints(Optional<MetricsEndpoint> metrics, Optional<StatusSocket> status, String statusNotServed) {
        this.metrics = metrics;
        this.status = status;
        this.statusNotServed = statusNotServed;
    }

    /** Fails with one line naming the setting when an address cannot be taken. */
    static LocalEndpoints start(ReceiverConfig cfg, ReceiverMetrics figures) throws IOException {
        Optional<MetricsEndpoint> metrics = Optional.empty();
        if (cfg.metricsListen().isPresent()) {
            metrics = Optional.of(MetricsEndpoint.start(cfg.metricsListen().get(), figures.registry()));
        }
        try {
            return new LocalEndpoints(metrics, Optional.of(StatusSocket.open(cfg.statusSocket(), figures::status)),
                    null);
        } catch (StatusSocket.InUse e) {
            return new LocalEndpoints(metrics, Optional.empty(), e.getMessage() + "; this receiver serves no status"
                    + " there (give each receiver a status_socket of its own)");
        } catch (IOException e) {
            metrics.ifPresent(MetricsEndpoint::close);
            throw e;
        }
    }

    /** The start-up log lines. */
    void announce() {
        metrics.ifPresent(endpoint -> LOG.info("metrics on " + endpoint.url()));
        status.ifPresentOrElse(socket -> LOG.info("status on " + socket.path() + " (walship receiver-status)"),
                () -> LOG.warning(statusNotServed));
    }

    @Override
    public void close() {
        status.ifPresent(StatusSocket::close);
        metrics.ifPresent(MetricsEndpoint::close);
    }
}
