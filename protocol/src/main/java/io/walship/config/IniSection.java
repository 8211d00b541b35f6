package io.walship.config;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** One section of an {@link IniFile}; typed getters whose errors name the file, line, key and expectation. */
public final class IniSection {

    private final Path file;
    private final String name;
    private final int line;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    IniSection(Path file, String name, int line) {
        this.file = file;
        this.name = name;
        this.line = line;
    }

    void put(String key, String value, int lineNumber) throws ConfigException {
        if (values.containsKey(key)) {
            throw new ConfigException(file + ":" + lineNumber + ": [" + name + "] " + key
                    + " is set twice (first on line " + lines.get(key) + "); keep one");
        }
        values.put(key, value);
        lines.put(key, lineNumber);
    }

    public String name() {
        return name;
    }

    /** The line of the section's header. */
    int line() {
        return line;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    /** Fails on the first key not in {@code allowed}: a typo must not silently fall back to a default. */
    public void allowOnly(Set<String> allowed) throws ConfigException {
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(where(key) + ": unknown key '" + key + "' in [" + name
                        + "]; expected one of: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    public Optional<String> optional(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    public String require(String key, String expected) throws ConfigException {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            throw new ConfigException(file + ":" + line + ": [" + name + "] is missing '" + key
                    + "'; expected " + expected);
        }
        return value.get();
    }

    public ConfigException invalid(String key, String expected) {
        return new ConfigException(where(key) + ": [" + name + "] " + key + " = " + values.get(key)
                + " is not valid; expected " + expected);
    }

    /** A path resolved against the config file's directory; it must name an existing readable file. */
    public Path readableFile(String key) throws ConfigException {
        Path path = path(require(key, "the path of a file"));
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(where(key) + ": [" + name + "] " + key + " = " + path
                    + ": no such readable file; check the path and its permissions");
        }
        return path;
    }

    public Path path(String value) {
        Path path = Path.of(value);
        Path base = file.toAbsolutePath().getParent();
        return path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
    }

    /** {@code host:port}, {@code [v6]:port}; port 0 asks the system for a free one. */
    public InetSocketAddress hostPort(String key, int defaultPort) throws ConfigException {
        return hostPort(key, require(key, "host:port"), defaultPort, "host:port with a port number from 0 to 65535");
    }

    /**
     * A comma-separated list of {@link #hostPort} values, in the order written; each may omit its port. An empty
     * entry or one listed twice is a mistake, not something to skip.
     */
    public List<InetSocketAddress> hostPorts(String key, int defaultPort) throws ConfigException {
        String expected = "host[:port] or several, comma-separated in order of preference (host1:port, host2:port), "
                + "each once, with port numbers from 0 to 65535";
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String entry : require(key, expected).split(",", -1)) {
            InetSocketAddress address = hostPort(key, entry.strip(), defaultPort, expected);
            if (addresses.contains(address)) {
                throw invalid(key, expected);
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    private InetSocketAddress hostPort(String key, String value, int defaultPort, String expected)
            throws ConfigException {
        String host = value;
        int port = defaultPort;
        int colon = value.lastIndexOf(':');
        boolean hasPort = value.startsWith("[") ? value.indexOf(']') < colon : value.indexOf(':') == colon;
        if (colon >= 0 && hasPort) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(key, expected);
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 0 || port > 65535 || host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(key, expected);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** A whole number within bounds; {@code fallback} when the key is absent. */
    public int intInRange(String key, int fallback, int min, int max, String meaning) throws ConfigException {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        if (raw.get().matches("-?[0-9]{1,9}")) {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw invalid(key, meaning + ", " + min + " to " + max);
    }

    /** yes/no, on/off, true/false, 1/0 as Barman accepts them; {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) throws ConfigException {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "on", "true", "1" -> true;
            case "no", "off", "false", "0" -> false;
            default -> throw invalid(key, "yes or no");
        };
    }

    /** A comma- or space-separated list, empty entries dropped. */
    public List<String> list(String key) {
        return optional(key)
                .map(v -> new ArrayList<>(Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList()))
                .map(l -> (List<String>) l)
                .orElse(List.of());
    }

    public String where(String key) {
        Integer keyLine = lines.get(key);
        return file + ":" + (keyLine == null ? line : keyLine);
    }
}
