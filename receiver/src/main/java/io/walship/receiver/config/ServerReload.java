package io.walship.receiver.config;

import io.walship.metrics.MetricsListen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a reload of the configuration file changes in a running receiver: the clients and the compression of each
 * Barman server it runs. The rest of what it started with (which servers there are, where their files are, the
 * [receiver] settings) takes a restart, and stays as it runs until then.
 *
 * @param servers the servers to run with from now on
 * @param applied what changed, one line each, for the log
 * @param needRestart what changed but waits for a restart, one line each
 */
public record ServerReload(Map<String, BarmanServer> servers, List<String> applied, List<String> needRestart) {

    /**
     * The servers {@code running} (as {@code started}, or as an earlier reload left them) as {@code loaded} from
     * the file now configures them.
     */
    public static ServerReload of(ReceiverConfig started, Map<String, BarmanServer> running, ReceiverConfig loaded) {
        List<String> applied = new ArrayList<>();
        List<String> needRestart = new ArrayList<>();
        List<String> receiverChanges = receiverChanges(started, loaded);
        if (!receiverChanges.isEmpty()) {
            needRestart.add("[receiver] " + String.join(", ", receiverChanges) + " changed, which takes a restart");
        }
        Map<String, BarmanServer> servers = new LinkedHashMap<>();
        for (BarmanServer now : running.values()) {
            BarmanServer wanted = loaded.servers().get(now.name());
            if (wanted == null) {
                needRestart.add("server '" + now.name() + "' is no longer configured; it is served until a restart");
                servers.put(now.name(), now);
            } else if (!wanted.directories().equals(now.directories()) || wanted.generation() != now.generation()) {
                needRestart.add("server '" + now.name() + "': its directories or its xlog.db changed, which takes a "
                        + "restart; until then it stays as it runs");
                servers.put(now.name(), now);
            } else {
                changes(now, wanted).ifPresent(applied::add);
                servers.put(now.name(), wanted);
            }
        }
        for (String name : loaded.servers().keySet()) {
            if (!running.containsKey(name)) {
                needRestart.add("server '" + name + "' is new; it is served after a restart");
            }
        }
        if (!loaded.cloudServers().equals(started.cloudServers())) {
            needRestart.add("the servers stored in a bucket (storage = s3) changed, which takes a restart; until "
                    + "then they stay as they run");
        }
        return new ServerReload(servers, applied, needRestart);
    }

    private static Optional<String> changes(BarmanServer now, BarmanServer wanted) {
        List<String> changes = new ArrayList<>();
        if (!now.clients().equals(wanted.clients())) {
            changes.add("clients " + sorted(wanted) + " (were " + sorted(now) + ")");
        }
        if (now.compression() != wanted.compression()) {
            changes.add("compression " + wanted.compression().configName + " from " + wanted.compressionSource()
                    + " (was " + now.compression().configName + ")");
        }
        return changes.isEmpty() ? Optional.empty()
                : Optional.of("server '" + now.name() + "': " + String.join("; ", changes));
    }

    private static String sorted(BarmanServer server) {
        return String.join(", ", new TreeSet<>(server.clients()));
    }

    /** The names of the [receiver] settings that differ. */
    private static List<String> receiverChanges(ReceiverConfig started, ReceiverConfig loaded) {
        Map<String, Function<ReceiverConfig, Object>> settings = new LinkedHashMap<>();
        settings.put("listen", ReceiverConfig::listen);
        settings.put("barman_home", ReceiverConfig::barmanHome);
        settings.put("barman_config", config -> config.barmanConfig().map(BarmanConfig::file));
        settings.put("ca_file", ReceiverConfig::caFile);
        settings.put("cert_file", ReceiverConfig::certFile);
        settings.put("key_file", ReceiverConfig::keyFile);
        settings.put("lock_timeout", ReceiverConfig::lockTimeout);
        settings.put(ReceiverLimits.MAX_CONNECTIONS, config -> config.limits().maxConnections());
        settings.put(ReceiverLimits.MAX_CONNECTIONS_PER_CLIENT, config -> config.limits().maxConnectionsPerClient());
        settings.put(ReceiverLimits.MAX_UPLOADS, config -> config.limits().maxUploads());
        settings.put(ReceiverLimits.MAX_UPLOADS_PER_CLIENT, config -> config.limits().maxUploadsPerClient());
        settings.put(ReceiverLimits.UPLOAD_IDLE_TIMEOUT, config -> config.limits().uploadIdleTimeout());
        settings.put(MetricsListen.KEY, ReceiverConfig::metricsListen);
        settings.put(StatusSocketPath.KEY, ReceiverConfig::statusSocket);
        List<String> changed = new ArrayList<>();
        settings.forEach((name, setting) -> {
            if (!Objects.equals(setting.apply(started), setting.apply(loaded))) {
                changed.add(name);
            }
        });
        return changed;
    }
}
