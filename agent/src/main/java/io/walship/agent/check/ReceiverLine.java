package io.walship.agent.check;

import io.walship.agent.config.ReceiverAddresses;
import io.walship.protocol.CheckItem;
import io.walship.protocol.ProtocolVersion;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** One receiver of several in one line: reached or not, and which of its own checks did not pass. */
final class ReceiverLine {

    private ReceiverLine() {
    }

    /**
     * {@code items} is what asking that receiver alone gave, first the item that says whether it was reached. One
     * that fails is a warning while another is reached ({@code othersServe}): archiving fails over to that one.
     */
    static CheckItem of(InetSocketAddress address, List<CheckItem> items, boolean othersServe) {
        String name = CheckExchange.RECEIVER + " " + ReceiverAddresses.text(address);
        CheckItem reached = items.getFirst();
        if (!reached.passed()) {
            return othersServe && reached.status() == CheckItem.Status.FAILED
                    ? CheckItem.warning(name, reached.detail() + "; another receiver serves meanwhile")
                    : new CheckItem(name, reached.status(), reached.detail());
        }
        List<CheckItem> own = items.subList(1, items.size());
        CheckItem.Status worst = own.stream().map(CheckItem::status).max(Comparator.naturalOrder())
                .orElse(CheckItem.Status.OK);
        String notPassed = own.stream().filter(item -> !item.passed()).map(item -> item.name() + " " + item.status())
                .collect(Collectors.joining(", "));
        return new CheckItem(name, worst, "reachable, mutual TLS, protocol " + ProtocolVersion.CURRENT
                + (notPassed.isEmpty() ? "" : "; its checks: " + notPassed));
    }
}
