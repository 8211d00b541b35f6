package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the fuzzers of the WAL text files share: their dictionaries, random text and the shape of a problem
 * message.
 */
final class WalTextTokens {

    private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

    private WalTextTokens() {
    }

    /**
     * Each token in UTF-8 and, if it is not ASCII, also in LATIN1 where it can be: the free text of these files is
     * in the server's encoding.
     */
    static List<byte[]> of(String... tokens) {
        CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
        return Arrays.stream(tokens)
                .flatMap(token -> token.chars().allMatch(c -> c < 0x80) || !latin1.canEncode(token)
                        ? Stream.of(utf8(token))
                        : Stream.of(utf8(token), token.getBytes(StandardCharsets.ISO_8859_1)))
                .toList();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Up to {@code maxLength} characters: mostly ASCII (control characters included), in which the files' syntax
     * lies, and now and then any code point, lone surrogates (which encode as '?') too.
     */
    static String randomText(RandomGenerator random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            text.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(Character.MAX_CODE_POINT + 1)
                    : random.nextInt(0x80));
        }
        return text.toString();
    }

    /** A problem is one printable line that names the file it is about. */
    static void assertOneLine(String message, WalFileName name) {
        assertTrue(message.startsWith(name.name() + " "), "does not start with the file name: " + message);
        assertFalse(LINE_BREAKING.matcher(message).find(), "not one printable line: " + message);
        assertTrue(message.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE),
                "a lone surrogate: " + message);
    }
}
