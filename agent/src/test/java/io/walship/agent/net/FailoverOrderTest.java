package io.walship.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.config.ReceiverAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order in which one exchange dials the configured receivers and the addresses their names resolve to. */
class FailoverOrderTest {

    private static final InetSocketAddress A = InetSocketAddress.createUnresolved("a.example", 9433);
    private static final InetSocketAddress B = InetSocketAddress.createUnresolved("b.example", 9500);
    private static final InetSocketAddress C = InetSocketAddress.createUnresolved("c.example", 9433);
    private static final ReceiverAddresses ABC = ReceiverAddresses.of(A, B, C);

    /** Names as a DNS zone would answer them; the lookups made, in order. */
    private final Map<String, List<String>> zone = Map.of("a.example", List.of("10.0.0.1"),
            "b.example", List.of("10.0.0.2", "10.0.0.3"), "c.example", List.of("10.0.0.4"));
    private final List<String> lookups = new ArrayList<>();

    private InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.add(host);
        List<String> addresses = zone.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] resolved = new InetAddress[addresses.size()];
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = InetAddress.getByName(addresses.get(i));
        }
        return resolved;
    }

    private List<String> texts(FailoverOrder order) {
        List<String> texts = new ArrayList<>();
        order.forEachRemaining(endpoint -> texts.add(endpoint.text()));
        return texts;
    }

    @Test
    void withoutAnAddressThatWorkedTheOrderIsTheConfiguredOneWithEveryAddressOfEachName() {
        assertEquals(List.of("a.example:9433", "b.example:9500 (10.0.0.2)", "b.example:9500 (10.0.0.3)",
                "c.example:9433"), texts(new FailoverOrder(ABC, null, this::resolve)));
    }

    @Test
    void theAddressThatLastWorkedComesFirstThenTheOthersInTheirOrderOfPreference() {
        Endpoint worked = Endpoint.resolved(B, 1, address("10.0.0.3"), true);

        assertEquals(List.of("b.example:9500 (10.0.0.3)", "b.example:9500 (10.0.0.2)", "a.example:9433",
                "c.example:9433"), texts(new FailoverOrder(ABC, worked, this::resolve)));
    }

    @Test
    void aNameIsLookedUpOnlyWhenItsTurnComes() {
        FailoverOrder order = new FailoverOrder(ABC, null, this::resolve);

        assertEquals("a.example", order.next().host());
        assertTrue(order.hasNext(), "b.example and c.example are still to come");
        assertEquals(List.of("a.example"), lookups, "hasNext looks nothing up");
        assertEquals("b.example", order.peek().host());
        assertEquals(List.of("a.example", "b.example"), lookups);
    }

    @Test
    void aNameThatDoesNotResolveIsAnEndpointThatFailsAndTheNextFollows() {
        FailoverOrder order = new FailoverOrder(ReceiverAddresses.of(
                InetSocketAddress.createUnresolved("gone.example", 9433), C), null, this::resolve);

        Endpoint gone = order.next();

        assertInstanceOf(UnknownHostException.class, gone.lookupFailure());
        assertEquals("gone.example:9433", gone.text());
        assertEquals("c.example:9433", order.next().text());
        assertFalse(order.hasNext());
    }

    @Test
    void oneReceiverOfOneAddressIsTheOnlyEndpoint() {
        FailoverOrder order = new FailoverOrder(ReceiverAddresses.of(A), null, this::resolve);

        Endpoint only = order.next();

        assertEquals(new InetSocketAddress(address("10.0.0.1"), 9433), only.socketAddress());
        assertFalse(order.hasNext());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
