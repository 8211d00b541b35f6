package io.walship.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent configuration file as the tests write it: {@code [agent]} with the receiver on the loopback address,
 * the server, the TLS files (absolute, or relative to the file's own directory), then further settings in the
 * order they were set.
 */
public final class AgentConfigFile {

    private final String server;
    private final String receivers;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private AgentConfigFile(String server, String receivers) {
        this.server = server;
        this.receivers = receivers;
    }

    /** Ships to, and fetches from, {@code server} of the receiver at 127.0.0.1:{@code receiverPort}. */
    public static AgentConfigFile forServer(String server, int receiverPort) {
        return forServer(server, "127.0.0.1", receiverPort);
    }

    /** As {@link #forServer(String, int)}, dialling the receiver by another name, such as localhost. */
    public static AgentConfigFile forServer(String server, String receiverHost, int receiverPort) {
        return forReceivers(server, receiverHost + ":" + receiverPort);
    }

    /** Ships to, and fetches from, {@code server} of the receivers {@code receivers} lists, as the setting takes them. */
    public static AgentConfigFile forReceivers(String server, String receivers) {
        return new AgentConfigFile(server, receivers);
    }

    public AgentConfigFile tls(Path caFile, Path certFile, Path keyFile) {
        return set("ca_file", caFile).set("cert_file", certFile).set("key_file", keyFile);
    }

    public AgentConfigFile set(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    public String text() {
        StringBuilder text = new StringBuilder("[agent]\n")
                .append("receiver = ").append(receivers).append('\n')
                .append("server = ").append(server).append('\n');
        settings.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        return text.toString();
    }

    public Path writeTo(Path file) throws IOException {
        return Files.writeString(file, text());
    }
}
