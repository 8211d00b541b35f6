package io.walship.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint Prometheus scrapes, on a real loopback port. */
class MetricsEndpointTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    @Test
    void servesItsRegistryAtSlashMetrics() throws Exception {
        Counter.builder().name("walship_test_events").help("events").register(registry).inc(3);

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(InetSocketAddress.createUnresolved("127.0.0.1", 0),
                registry)) {
            assertEquals("http://127.0.0.1:" + endpoint.port() + "/metrics", endpoint.url());
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(endpoint.url())).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().lines().anyMatch("walship_test_events_total 3.0"::equals), scrape.body());
        }
    }

    @Test
    void aPortInUseFailsWithOneLineNamingTheSetting() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress listen = InetSocketAddress.createUnresolved("127.0.0.1", taken.getLocalPort());

            IOException e = assertThrows(IOException.class, () -> MetricsEndpoint.start(listen, registry));

            assertTrue(e.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                    + " (metrics_listen): "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; choose a free port on an address of this host, or remove "
                    + "metrics_listen"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }
}
