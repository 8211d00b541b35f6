package io.walship.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timeline history file ({@code TTTTTTTT.history}), read the way PostgreSQL's readTimeLineHistory() reads it
 * at recovery: one line per timeline switch in the ancestry of the file's timeline, each
 * {@code parentTLI <tab> switchpoint <tab> reason}; blank lines and lines starting with '#' are skipped, parent
 * timelines strictly increase and all lie below the file's own. A file PostgreSQL would refuse at recovery is
 * refused here, before it takes the place of a good one in the archive.
 */
public record TimelineHistory(long timeline, List<Entry> entries) {

    /**
     * PostgreSQL adds one line of well under 100 bytes per switch, so real files are a few hundred bytes; 1 MiB
     * still holds over ten thousand switches, yet keeps a segment or other junk posing as a history file out.
     */
    public static final int MAX_SIZE = 1 << 20;
    /** readTimeLineHistory() reads lines with fgets() into a 1024-byte buffer and would misparse the rest. */
    static final int MAX_LINE = 1023;
    private static final long MAX_TIMELINE = 0xFFFF_FFFFL;

    /** C's isspace() in the C locale, which PostgreSQL uses to skip blanks and sscanf() to split fields. */
    private static final String SPACE = "[ \\t\\n\\x0B\\f\\r]";
    private static final Pattern SKIPPED = Pattern.compile(SPACE + "*(?:#.*)?", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile(SPACE + "*([0-9]{1,10})" + SPACE + "+([0-9A-Fa-f]{1,8})/"
            + "([0-9A-Fa-f]{1,8})(?:" + SPACE + "+(.*))?", Pattern.DOTALL);

    /**
     * The part of the ancestry before a switch: {@code parentTimeline} ended at {@code switchLsn}. The reason is
     * free text in the server's encoding, read as UTF-8 with U+FFFD for bytes that are not.
     */
    public record Entry(long parentTimeline, long switchLsn, String reason) {
    }

    public TimelineHistory {
        entries = List.copyOf(entries);
    }

    /**
     * Parses {@code content} as the history file {@code name}.
     *
     * @throws IllegalArgumentException with the one-line problem if the file is not a valid history file or
     *     {@code name} is not a {@code .history} name
     */
    public static TimelineHistory parse(WalFileName name, byte[] content) {
        if (name.kind() != WalFileName.Kind.HISTORY) {
            throw new IllegalArgumentException(name.name() + " is not a timeline history file name");
        }
        String file = name.name();
        if (name.timeline() < 2) {
            throw new IllegalArgumentException(file + " names timeline " + name.timeline() + ", which has no parent "
                    + "and so no history file; it is not a PostgreSQL timeline history");
        }
        List<WalText.Line> lines = WalText.lines(file, content, MAX_SIZE, "timeline history file");
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            WalText.Line line = lines.get(i);
            String where = file + " line " + (i + 1);
            if (line.bytes() > MAX_LINE) {
                throw new IllegalArgumentException(where + " is " + line.bytes() + " bytes; PostgreSQL reads at most "
                        + MAX_LINE + " bytes of a line and would fail on the rest at recovery, so the file is damaged");
            }
            if (SKIPPED.matcher(line.text()).matches()) {
                continue;
            }
            Entry entry = entry(where, line.text());
            if (!entries.isEmpty() && entry.parentTimeline() <= entries.getLast().parentTimeline()) {
                throw new IllegalArgumentException(where + ": timeline " + entry.parentTimeline() + " follows "
                        + "timeline " + entries.getLast().parentTimeline() + ", but PostgreSQL requires increasing "
                        + "timeline IDs; the file is damaged");
            }
            if (entry.parentTimeline() >= name.timeline()) {
                throw new IllegalArgumentException(where + ": timeline " + entry.parentTimeline() + " is not below "
                        + "the file's own timeline " + name.timeline() + "; the file is damaged or was renamed");
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(file + " has no timeline switch line; PostgreSQL writes one for "
                    + "every switch, so the file is damaged or not a timeline history file");
        }
        return new TimelineHistory(name.timeline(), entries);
    }

    /** What is wrong with {@code content} as the history file {@code name}, if anything; never throws. */
    public static Optional<String> problem(WalFileName name, byte[] content) {
        try {
            parse(name, content);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Entry entry(String where, String line) {
        Matcher m = ENTRY.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + " is '" + WalText.printable(line) + "', not '<parent "
                    + "timeline> <switch point X/X> <reason>'; the file is damaged or not a timeline history file");
        }
        long parent = Long.parseLong(m.group(1));
        if (parent == 0 || parent > MAX_TIMELINE) {
            throw new IllegalArgumentException(where + " names timeline " + parent + ", which cannot exist (timeline "
                    + "IDs are 1 to " + MAX_TIMELINE + "); the file is damaged");
        }
        long lsn = Long.parseLong(m.group(2), 16) << 32 | Long.parseLong(m.group(3), 16);
        return new Entry(parent, lsn, m.group(4) == null ? "" : withoutTrailingSpace(m.group(4)));
    }

    private static String withoutTrailingSpace(String text) {
        int end = text.length();
        while (end > 0 && " \t\n\u000B\f\r".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(0, end);
    }
}
