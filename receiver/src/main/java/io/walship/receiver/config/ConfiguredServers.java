package io.walship.receiver.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The servers the receiver archives for, as last (re)loaded. A reload replaces the Barman servers all at once, so
 * that every request sees one configuration, never part of the old one and part of the new; the servers stored in
 * a bucket stay as the receiver started with them.
 */
public final class ConfiguredServers {

    private volatile Map<String, BarmanServer> current;
    private final Map<String, CloudServer> cloud;

    public ConfiguredServers(Map<String, BarmanServer> servers) {
        this(servers, Map.of());
    }

    public ConfiguredServers(Map<String, BarmanServer> servers, Map<String, CloudServer> cloud) {
        current = frozen(servers);
        this.cloud = Collections.unmodifiableMap(new LinkedHashMap<>(cloud));
    }

    public static ConfiguredServers of(Collection<BarmanServer> servers) {
        Map<String, BarmanServer> byName = new LinkedHashMap<>();
        servers.forEach(server -> byName.put(server.name(), server));
        return new ConfiguredServers(byName);
    }

    /** The Barman server called {@code name}, or null when the receiver has none of that name. */
    public BarmanServer get(String name) {
        return current.get(name);
    }

    /** The server called {@code name}, whatever stores it, or null when the receiver has none of that name. */
    public ArchivedServer archived(String name) {
        BarmanServer barman = current.get(name);
        return barman != null ? barman : cloud.get(name);
    }

    /** All Barman servers, in the order of the configuration file, as they are now. */
    public Map<String, BarmanServer> now() {
        return current;
    }

    public void replace(Map<String, BarmanServer> servers) {
        current = frozen(servers);
    }

    private static Map<String, BarmanServer> frozen(Map<String, BarmanServer> servers) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }
}
