package io.walship.wal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every WAL text file (timeline history, backup history) must be before its lines are read: not empty,
 * bounded, UTF-8 and free of NUL bytes, which PostgreSQL's C string handling would silently cut at.
 * Failures are {@link IllegalArgumentException}s whose message is the one-line problem.
 */
final class WalText {

    private WalText() {
    }

    /** The lines of {@code content}, split at '\n' only, as PostgreSQL's fgets() does. */
    static List<String> lines(String fileName, byte[] content, int maxBytes, String what) {
        if (content.length == 0) {
            throw new IllegalArgumentException(fileName + " is empty; PostgreSQL never archives an empty " + what
                    + ", so the file was truncated");
        }
        if (content.length > maxBytes) {
            throw new IllegalArgumentException(fileName + " is " + content.length + " bytes, more than the "
                    + maxBytes + " a " + what + " can reasonably be; it is not a " + what);
        }
        for (int i = 0; i < content.length; i++) {
            if (content[i] == 0) {
                throw new IllegalArgumentException(fileName + " has a NUL byte at offset " + i + "; it is binary, "
                        + "not a " + what);
            }
        }
        return List.of(decode(fileName, content, what).split("\n", -1));
    }

    private static String decode(String fileName, byte[] content, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new IllegalArgumentException(fileName + " is not UTF-8 text (byte " + in.position() + "); it is "
                    + "damaged or not a " + what);
        }
        return out.flip().toString();
    }

    /**
     * A piece of untrusted text fit for a one-line message: at most 80 characters, with control characters and
     * line or paragraph separators (which some logs also break lines at) shown as '?'.
     */
    static String printable(String text) {
        String shown = text;
        if (text.length() > 80) {
            int end = Character.isHighSurrogate(text.charAt(79)) ? 79 : 80;
            shown = text.substring(0, end) + "...";
        }
        return shown.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", "?");
    }
}
