package io.walship.wal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file name PostgreSQL hands to archive_command: a segment, a {@code .partial} segment, a
 * {@code .backup} label or a timeline {@code .history}. Only these travel on the wire, never paths.
 * PostgreSQL writes the hex digits in upper case only; the same name in lower case would be a second copy of
 * the same WAL under another name, so it is refused.
 */
public record WalFileName(String name, Kind kind, long timeline, long log, long segment) {

    public enum Kind {
        SEGMENT, PARTIAL, BACKUP, HISTORY;

        /** Segments and partial segments carry a WAL page header; the others are text files. */
        public boolean hasWalHeader() {
            return this == SEGMENT || this == PARTIAL;
        }
    }

    private static final Pattern NAME = Pattern.compile(
            "([0-9A-F]{8})(?:([0-9A-F]{8})([0-9A-F]{8})(\\.[0-9A-F]{8}\\.backup|\\.partial)?|\\.history)");
    /** Barman's pattern, which takes the hex digits in either case. */
    private static final Pattern ANY_CASE = Pattern.compile(NAME.pattern().replace("A-F", "A-Fa-f"));

    public static WalFileName parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            if (ANY_CASE.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' has lower-case hex digits; PostgreSQL names WAL "
                        + "files in upper case only, so it is not a WAL file name");
            }
            throw new IllegalArgumentException("'" + printable(name) + "' is not a WAL file name (expected 24 "
                    + "upper-case hex digits, optionally with .partial or .XXXXXXXX.backup, or 8 with .history)");
        }
        long timeline = Long.parseLong(m.group(1), 16);
        if (m.group(2) == null) {
            return new WalFileName(name, Kind.HISTORY, timeline, 0, 0);
        }
        String suffix = m.group(4);
        Kind kind = suffix == null ? Kind.SEGMENT : suffix.equals(".partial") ? Kind.PARTIAL : Kind.BACKUP;
        return new WalFileName(name, kind, timeline, Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16));
    }

    public static boolean isValid(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Whether Barman takes {@code name} for a WAL file when it indexes its archive anew (hex digits in either
     * case): what an index built from the stored files must list to agree with barman rebuild-xlogdb.
     */
    public static boolean isBarmanName(String name) {
        return ANY_CASE.matcher(name).matches();
    }

    /** The LSN where this segment starts, for a server with the given segment size. */
    public long startLsn(long segmentSize) {
        long segmentsPerLog = 0x1_0000_0000L / segmentSize;
        return (log * segmentsPerLog + segment) * segmentSize;
    }

    /** The segment number must fit the segment size: 16 MiB segments only count up to 0xFF per log. */
    public boolean fitsSegmentSize(long segmentSize) {
        return segment < 0x1_0000_0000L / segmentSize;
    }

    /** The segment {@code count} segments after this one on the same timeline (before it for a negative count). */
    public WalFileName segmentAfter(long segmentSize, long count) {
        if (!kind.hasWalHeader()) {
            throw new IllegalStateException(name + " is not a segment");
        }
        long segmentsPerLog = 0x1_0000_0000L / segmentSize;
        long number = log * segmentsPerLog + segment + count;
        long nextLog = number / segmentsPerLog;
        long nextSegment = number % segmentsPerLog;
        return new WalFileName(String.format("%08X%08X%08X", timeline, nextLog, nextSegment), Kind.SEGMENT, timeline,
                nextLog, nextSegment);
    }

    private static String printable(String name) {
        String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
