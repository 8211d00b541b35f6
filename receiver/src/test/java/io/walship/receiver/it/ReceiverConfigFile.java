package io.walship.receiver.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A receiver.conf as the tests write it: {@code [receiver]} listening on the loopback address, where it stores, the
 * TLS files a {@link CaDirectory} issued and further settings, then one section per Barman server with its clients.
 */
final class ReceiverConfigFile {

    private final String storeKey;
    private final Path store;
    private int port;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> servers = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> serverSettings = new LinkedHashMap<>();

    private ReceiverConfigFile(String storeKey, Path store) {
        this.storeKey = storeKey;
        this.store = store;
    }

    /** Stores under {@code barmanHome}, each server's compression from {@code compression} (if set). */
    static ReceiverConfigFile barmanHome(Path barmanHome) {
        return new ReceiverConfigFile("barman_home", barmanHome);
    }

    /** Takes barman_home and each server's directories and compression from Barman's own configuration. */
    static ReceiverConfigFile barmanConfig(Path barmanConf) {
        return new ReceiverConfigFile("barman_config", barmanConf);
    }

    /** A fixed port, so that a restarted receiver is where the agents expect it; 0 (the default) lets it pick. */
    ReceiverConfigFile port(int port) {
        this.port = port;
        return this;
    }

    /** The CA's certificate, and the certificate and key {@code ca} issued to {@code name}. */
    ReceiverConfigFile tls(CaDirectory ca, String name) {
        return set("ca_file", ca.caCertificate()).set("cert_file", ca.certificate(name)).set("key_file", ca.key(name));
    }

    ReceiverConfigFile set(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    /** A server section: {@code clients} are the certificate names that may push to and fetch from it. */
    ReceiverConfigFile server(String name, String clients) {
        servers.put(name, clients);
        return this;
    }

    /** A server section with more keys than its clients, e.g. {@code storage = s3} and its bucket's. */
    ReceiverConfigFile server(String name, String clients, Map<String, String> keys) {
        serverSettings.put(name, new LinkedHashMap<>(keys));
        return server(name, clients);
    }

    String text() {
        StringBuilder text = new StringBuilder("[receiver]\n")
                .append("listen = 127.0.0.1:").append(port).append('\n')
                .append(storeKey).append(" = ").append(store).append('\n');
        settings.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        servers.forEach((name, clients) -> {
            text.append("\n[").append(name).append("]\nclients = ").append(clients).append('\n');
            serverSettings.getOrDefault(name, Map.of()).forEach((key, value) -> text.append(key).append(" = ")
                    .append(value).append('\n'));
        });
        return text.toString();
    }

    Path writeTo(Path file) throws IOException {
        return Files.writeString(file, text());
    }
}
