package io.walship.metrics;

import io.walship.config.ConfigException;
import io.walship.config.IniSection;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The {@code metrics_listen} setting of the receiver and of the agent: where Prometheus scrapes them, off unless
 * set. Kept apart from {@link MetricsEndpoint} so that reading a configuration loads no class of the Prometheus
 * client (push reads it too, and pays for every class it loads).
 */
public final class MetricsListen {

    public static final String KEY = "metrics_listen";

    private MetricsListen() {
    }

    /** The address to serve metrics on; empty when the key is absent. A port is required (0 picks a free one). */
    public static Optional<InetSocketAddress> of(IniSection section) throws ConfigException {
        if (section.optional(KEY).isEmpty()) {
            return Optional.empty();
        }
        // No default port: -1 makes a value without one fail as not host:port.
        return Optional.of(section.hostPort(KEY, -1));
    }

    /** {@code host:port} as written in messages and logs. */
    public static String text(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
