package io.walship.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Prometheus' HTTP exporter serving one registry on {@code metrics_listen}, at {@code /metrics}. */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;
    private final String host;

    private MetricsEndpoint(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Serves {@code registry} on {@code listen}; an address that cannot be bound (in use, not of this host) fails
     * with one line naming the setting.
     */
    public static MetricsEndpoint start(InetSocketAddress listen, PrometheusRegistry registry) throws IOException {
        try {
            HTTPServer server = HTTPServer.builder().hostname(listen.getHostString()).port(listen.getPort())
                    .registry(registry).buildAndStart();
            return new MetricsEndpoint(server, listen.getHostString());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot serve metrics on " + MetricsListen.text(listen) + " ("
                    + MetricsListen.KEY + "): " + (e.getMessage() != null ? e.getMessage() : e.toString())
                    + "; choose a free port on an address of this host, or remove " + MetricsListen.KEY, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Where Prometheus scrapes, for the start-up log line. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
