package io.walship.receiver.it;

import java.util.List;

/** The end of a log, for failure messages. */
final class Tail {

    private Tail() {
    }

    static String of(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
