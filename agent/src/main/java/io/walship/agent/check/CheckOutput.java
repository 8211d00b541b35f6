package io.walship.agent.check;

import io.walship.protocol.CheckItem;
import java.util.List;
import java.util.stream.Collectors;

/** The items of one check as lines in the manner of {@code barman check}, or as one Nagios plugin line. */
record CheckOutput(String server, List<CheckItem> items) {

    static final int NAGIOS_OK = 0;
    static final int NAGIOS_WARNING = 1;
    static final int NAGIOS_CRITICAL = 2;

    String lines() {
        StringBuilder out = new StringBuilder("Server " + server + ":" + System.lineSeparator());
        for (CheckItem item : items) {
            out.append('\t').append(item.line()).append(System.lineSeparator());
        }
        return out.toString();
    }

    boolean failed() {
        return items.stream().anyMatch(item -> item.status() == CheckItem.Status.FAILED);
    }

    int nagiosStatus() {
        return failed() ? NAGIOS_CRITICAL
                : items.stream().anyMatch(item -> item.status() == CheckItem.Status.WARNING) ? NAGIOS_WARNING
                : NAGIOS_OK;
    }

    /** Status, the server, the problems by name (details only for the first: one line must stay readable). */
    String nagios() {
        List<CheckItem> problems = items.stream().filter(item -> !item.passed()).toList();
        String word = switch (nagiosStatus()) {
            case NAGIOS_OK -> "OK";
            case NAGIOS_WARNING -> "WARNING";
            default -> "CRITICAL";
        };
        long failed = problems.stream().filter(item -> item.status() == CheckItem.Status.FAILED).count();
        String summary = problems.isEmpty() ? items.size() + " checks passed"
                : problems.size() + " of " + items.size() + " checks not OK: " + problems.stream()
                        .map(CheckItem::name).collect(Collectors.joining(", ")) + "; " + problems.getFirst().line();
        return "WALSHIP CHECK " + word + " - server " + server + ": " + summary.replace('|', '/') + " | checks="
                + items.size() + " failed=" + failed + " warnings=" + (problems.size() - failed);
    }
}
