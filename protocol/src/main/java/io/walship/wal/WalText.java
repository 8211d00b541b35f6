package io.walship.wal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every WAL text file (timeline history, backup history) must be before its lines are read: not empty,
 * bounded and free of NUL bytes, which PostgreSQL's C string handling would silently cut at. Other bytes are not
 * checked here: PostgreSQL writes the free text of these files (a switch's reason, which can hold a restore point
 * name, or a backup's label) in the server's encoding, which need not be UTF-8, and refusing such a file would
 * fail archive_command for good. The structure the parsers check (numbers, LSNs, keywords, file names) is ASCII,
 * which every server encoding keeps as ASCII and never uses inside its multibyte characters.
 * Failures are {@link IllegalArgumentException}s whose message is the one-line problem.
 */
final class WalText {

    /** One line: its text, decoded leniently, and its length in bytes, which PostgreSQL's limits count. */
    record Line(String text, int bytes) {
    }

    private WalText() {
    }

    /** The lines of {@code content}, split at '\n' only, as PostgreSQL's fgets() does. */
    static List<Line> lines(String fileName, byte[] content, int maxBytes, String what) {
        if (content.length == 0) {
            throw new IllegalArgumentException(fileName + " is empty; PostgreSQL never archives an empty " + what
                    + ", so the file was truncated");
        }
        if (content.length > maxBytes) {
            throw new IllegalArgumentException(fileName + " is " + content.length + " bytes, more than the "
                    + maxBytes + " a " + what + " can reasonably be; it is not a " + what);
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i < content.length && content[i] == 0) {
                throw new IllegalArgumentException(fileName + " has a NUL byte at offset " + i + "; it is binary, "
                        + "not a " + what);
            }
            if (i == content.length || content[i] == '\n') {
                lines.add(new Line(decode(content, start, i), i - start));
                start = i + 1;
            }
        }
        return List.copyOf(lines);
    }

    /**
     * UTF-8, with U+FFFD for bytes that are not: UTF-8 is the server encoding of most clusters and so reads right,
     * while the encoding of other text cannot be told from its bytes (the same bytes are valid LATIN1, WIN1252 and
     * often EUC_JP), so it is marked where it could not be read rather than guessed at. Only free text can be
     * affected, and nothing is decided on it.
     */
    private static String decode(byte[] content, int from, int to) {
        return new String(content, from, to - from, StandardCharsets.UTF_8);
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
