package io.walship.protocol;

import java.util.List;

/** The receiver's answer to a {@link Check}: one item per thing it looked at, in the order it looked. */
public record CheckReport(List<CheckItem> items) implements Message {

    public CheckReport {
        if (items.size() > Limits.MAX_CHECK_ITEMS) {
            throw new ProtocolException(items.size() + " check items exceed the limit of " + Limits.MAX_CHECK_ITEMS);
        }
        items = List.copyOf(items);
    }
}
