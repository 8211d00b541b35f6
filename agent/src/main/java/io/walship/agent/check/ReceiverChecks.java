package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import io.walship.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiver as this host reaches it: the connection, the TLS handshake and the protocol version (one item,
 * with the cause when it fails), then what the receiver itself checks for this server.
 */
final class ReceiverChecks implements AutoCloseable {

    private final AgentConfig config;
    /** Made at the first ask and kept for the others: --switch-wal asks every 250 ms. */
    private ReceiverClient client;

    ReceiverChecks(AgentConfig config) {
        this.config = config;
    }

    List<CheckItem> run() {
        return ask(Check.of(config.server()));
    }

    /** The receiver's items of {@code check}, after the one that says it was reached. */
    List<CheckItem> ask(Check check) {
        try {
            if (client == null) {
                client = new ReceiverClient(config);
            }
            List<CheckItem> answer = client.run(new CheckExchange(check));
            List<CheckItem> items = new ArrayList<>();
            if (answer.stream().noneMatch(item -> item.name().equals(CheckExchange.RECEIVER))) {
                items.add(CheckItem.ok(CheckExchange.RECEIVER, config.receiverText() + ", mutual TLS, protocol "
                        + ProtocolVersion.CURRENT));
            }
            items.addAll(answer);
            return items;
        } catch (ReceiverFailure e) {
            return List.of(CheckItem.failed(CheckExchange.RECEIVER, e.getMessage()));
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
