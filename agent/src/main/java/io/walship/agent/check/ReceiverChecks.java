package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import io.walship.protocol.ProtocolVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The receiver as this host reaches it: the connection, the TLS handshake and the protocol version (one item,
 * with the cause when it fails), then what the receiver itself checks for this server. With several receivers,
 * one line per receiver first, then the checks of the first one that answers.
 */
final class ReceiverChecks implements AutoCloseable {

    private final AgentConfig config;
    /** Made at the first ask and kept for the others: --switch-wal asks every 250 ms. */
    private ReceiverClient client;

    ReceiverChecks(AgentConfig config) {
        this.config = config;
    }

    List<CheckItem> run() {
        if (config.receivers().size() == 1) {
            return ask(Check.of(config.server()));
        }
        Map<InetSocketAddress, List<CheckItem>> answers = new LinkedHashMap<>();
        for (InetSocketAddress address : config.receivers().configured()) {
            AgentConfig only = config.onlyReceiver(address);
            try (ReceiverClient alone = new ReceiverClient(only)) {
                answers.put(address, ask(alone, only, Check.of(config.server())));
            } catch (ReceiverFailure e) {
                answers.put(address, List.of(CheckItem.failed(CheckExchange.RECEIVER, e.getMessage())));
            }
        }
        Optional<List<CheckItem>> firstReached = answers.values().stream().filter(items -> items.getFirst().passed())
                .findFirst();
        List<CheckItem> result = new ArrayList<>();
        answers.forEach((address, items) -> result.add(ReceiverLine.of(address, items, firstReached.isPresent())));
        firstReached.ifPresent(items -> result.addAll(items.subList(1, items.size())));
        return result;
    }

    /** The receiver's items of {@code check}, after the one that says it was reached; through every receiver. */
    List<CheckItem> ask(Check check) {
        try {
            if (client == null) {
                client = new ReceiverClient(config);
            }
            return ask(client, config, check);
        } catch (ReceiverFailure e) {
            return List.of(CheckItem.failed(CheckExchange.RECEIVER, e.getMessage()));
        }
    }

    private static List<CheckItem> ask(ReceiverClient client, AgentConfig config, Check check) {
        try {
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
