package io.walship.agent.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The receivers of the {@code receiver} setting, in the order written: the order of preference. The hosts stay
 * unresolved here; each is looked up when it is dialled.
 */
public record ReceiverAddresses(List<InetSocketAddress> configured) {

    public ReceiverAddresses {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no receiver address");
        }
        configured = List.copyOf(configured);
    }

    public static ReceiverAddresses of(InetSocketAddress... addresses) {
        return new ReceiverAddresses(List.of(addresses));
    }

    public int size() {
        return configured.size();
    }

    /** The one receiver there is, when only one is configured. */
    public InetSocketAddress first() {
        return configured.getFirst();
    }

    /** The configured address at {@code first}, then the others in their order of preference. */
    public List<InetSocketAddress> startingAt(int first) {
        List<InetSocketAddress> order = new ArrayList<>(configured.size());
        order.add(configured.get(first));
        for (int i = 0; i < configured.size(); i++) {
            if (i != first) {
                order.add(configured.get(i));
            }
        }
        return order;
    }

    public static String text(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** As written back into the setting: {@code host1:port, host2:port}. */
    public String text() {
        return configured.stream().map(ReceiverAddresses::text).collect(Collectors.joining(", "));
    }
}
