package io.walship.receiver.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The servers the receiver archives for, as last (re)loaded. A reload replaces them all at once, so that every
 * request sees one configuration, never part of the old one and part of the new.
 */
public final class ConfiguredServers {

    private volatile Map<String, BarmanServer> current;

    public ConfiguredServers(Map<String, BarmanServer> servers) {
        current = frozen(servers);
    }

    public static ConfiguredServers of(Collection<BarmanServer> servers) {
        Map<String, BarmanServer> byName = new LinkedHashMap<>();
        servers.forEach(server -> byName.put(server.name(), server));
        return new ConfiguredServers(byName);
    }

    /** The server called {@code name}, or null when the receiver has none of that name. */
    public BarmanServer get(String name) {
        return current.get(name);
    }

    /** All of them, in the order of the configuration file, as they are now. */
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
