package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** What the fuzzers of the WAL text files share: their dictionaries and the shape of a problem message. */
final class WalTextTokens {

    private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

    private WalTextTokens() {
    }

    static List<byte[]> of(String... tokens) {
        return Arrays.stream(tokens).map(WalTextTokens::utf8).toList();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A problem is one printable line that names the file it is about. */
    static void assertOneLine(String message, WalFileName name) {
        assertTrue(message.startsWith(name.name() + " "), "does not start with the file name: " + message);
        assertFalse(LINE_BREAKING.matcher(message).find(), "not one printable line: " + message);
        assertTrue(message.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE),
                "a lone surrogate: " + message);
    }
}
