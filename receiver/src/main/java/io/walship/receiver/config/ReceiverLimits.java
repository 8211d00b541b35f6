package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.config.IniSection;
import java.time.Duration;

/**
 * How much the receiver takes on at once, so that a flood of connections or uploads (a fleet catching up after an
 * outage, a client gone wrong) gets "busy, retry" answers instead of memory without bound. The defaults fit a
 * backup host serving dozens of PostgreSQL hosts: an agent holds a few connections (a warm session, its
 * read-ahead, a push or two), and an upload costs a compression context of a few MiB only while its data flows.
 *
 * @param maxConnections connections at once, all clients together; from twice this many on, new connections are
 *     closed before their TLS handshake
 * @param maxConnectionsPerClient connections at once of one client certificate
 * @param maxUploads uploads under way at once, all clients together
 * @param maxUploadsPerClient uploads under way at once of one client certificate
 * @param uploadIdleTimeout an upload that sends nothing for this long is dropped, its temp file removed
 */
public record ReceiverLimits(int maxConnections, int maxConnectionsPerClient, int maxUploads, int maxUploadsPerClient,
        Duration uploadIdleTimeout) {

    public static final ReceiverLimits DEFAULTS = new ReceiverLimits(512, 64, 32, 8, Duration.ofSeconds(60));

    static final String MAX_CONNECTIONS = "max_connections";
    static final String MAX_CONNECTIONS_PER_CLIENT = "max_connections_per_client";
    static final String MAX_UPLOADS = "max_uploads";
    static final String MAX_UPLOADS_PER_CLIENT = "max_uploads_per_client";
    static final String UPLOAD_IDLE_TIMEOUT = "upload_idle_timeout";

    static ReceiverLimits of(IniSection receiver) throws ConfigException {
        int maxConnections = receiver.intInRange(MAX_CONNECTIONS, DEFAULTS.maxConnections, 1, 100_000,
                "connections at once");
        int perClient = receiver.intInRange(MAX_CONNECTIONS_PER_CLIENT, Math.min(DEFAULTS.maxConnectionsPerClient, maxConnections), 1,
                maxConnections, "connections at once of one client, at most max_connections");
        int maxUploads = receiver.intInRange(MAX_UPLOADS, DEFAULTS.maxUploads, 1, 10_000, "uploads at once");
        int uploadsPerClient = receiver.intInRange(MAX_UPLOADS_PER_CLIENT, Math.min(DEFAULTS.maxUploadsPerClient, maxUploads), 1,
                maxUploads, "uploads at once of one client, at most max_uploads");
        int idle = receiver.intInRange(UPLOAD_IDLE_TIMEOUT, (int) DEFAULTS.uploadIdleTimeout.toSeconds(), 1, 3600,
                "seconds an upload may send nothing");
        return new ReceiverLimits(maxConnections, perClient, maxUploads, uploadsPerClient, Duration.ofSeconds(idle));
    }
}
