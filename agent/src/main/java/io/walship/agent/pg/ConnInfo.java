package io.walship.agent.pg;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A libpq connection string of {@code key=value} pairs ({@code host=/var/run/postgresql port=5432 user=postgres}),
 * as {@code psql} and Barman's {@code conninfo} take it, turned into what postgresql-jdbc needs. A {@code host}
 * that starts with {@code /} is a socket directory, as in libpq. Written here because postgresql-jdbc parses only
 * its own URLs.
 */
public record ConnInfo(Map<String, String> values) {

    private static final Set<String> KEYS = Set.of("host", "port", "user", "dbname", "password", "sslmode",
            "application_name", "connect_timeout");
    static final String DEFAULT_DATABASE = "postgres";
    static final int DEFAULT_PORT = 5432;

    public static ConnInfo parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == text.length()) {
                return new ConnInfo(values);
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                throw new IllegalArgumentException("'" + text.substring(i) + "' is not key=value");
            }
            String key = text.substring(i, equals).strip();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; expected one of: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
            i = equals + 1;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != '\'') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                if (i == text.length()) {
                    throw new IllegalArgumentException("the value of '" + key + "' lacks its closing quote");
                }
                i++;
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
            }
            values.put(key, value.toString());
        }
    }

    /** The local socket of a running cluster, as its postmaster.pid names it, for the running user. */
    public static ConnInfo local(Path socketDirectory, int port) {
        return new ConnInfo(Map.of("host", socketDirectory.toString(), "port", Integer.toString(port)));
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    /** A socket directory rather than a host name. */
    public Optional<Path> socketDirectory() {
        return get("host").filter(h -> h.startsWith("/")).map(Path::of);
    }

    public int port() {
        return get("port").map(Integer::parseInt).orElse(DEFAULT_PORT);
    }

    /** libpq's default user is the operating system's. */
    public String user() {
        return get("user").orElse(System.getProperty("user.name"));
    }

    /** A file name of the socket, or the host:port, for messages. */
    public String where() {
        return socketDirectory().map(d -> d.resolve(".s.PGSQL." + port()).toString())
                .orElse(get("host").orElse("localhost") + ":" + port());
    }

    /** The JDBC URL; a socket directory becomes junixsocket's socket factory on its {@code .s.PGSQL.PORT}. */
    public String url() {
        String database = get("dbname").orElse(DEFAULT_DATABASE);
        Optional<Path> socket = socketDirectory();
        if (socket.isPresent()) {
            return "jdbc:postgresql://localhost:" + port() + "/" + database;
        }
        return "jdbc:postgresql://" + get("host").orElse("localhost") + ":" + port() + "/" + database;
    }

    public Properties properties(String applicationName) {
        Properties properties = new Properties();
        properties.setProperty("user", user());
        get("password").ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("sslmode", get("sslmode").orElse(socketDirectory().isPresent() ? "disable" : "prefer"));
        properties.setProperty("ApplicationName", get("application_name").orElse(applicationName));
        properties.setProperty("connectTimeout", get("connect_timeout").orElse("10"));
        properties.setProperty("socketTimeout", "30");
        socketDirectory().ifPresent(dir -> {
            properties.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
            properties.setProperty("socketFactoryArg", dir.resolve(".s.PGSQL." + port()).toString());
        });
        return properties;
    }
}
