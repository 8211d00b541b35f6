package io.walship.wal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup history file ({@code <segment>.<offset>.backup}), written by PostgreSQL at the end of a base backup:
 * {@code KEY: value} lines, the first always {@code START WAL LOCATION: X/X (file NAME)}. That line must agree
 * with the file's own name, which PostgreSQL derives from it: NAME is the segment part, and the LSN lies in that
 * segment at the name's offset. Other lines are kept as they are (labels are free text and PostgreSQL versions
 * add keys), but a {@code STOP WAL LOCATION} line must be well-formed too. Keys and locations are ASCII as
 * PostgreSQL writes them; values are free text in the server's encoding (a label in a LATIN1 cluster is LATIN1),
 * read as UTF-8 with U+FFFD for bytes that are not.
 */
public record BackupHistoryFile(long startLsn, String startFile, Map<String, String> fields) {

    /**
     * PostgreSQL writes about ten short lines plus a label of at most 1 KiB, so files are well under 2 KiB;
     * 64 KiB leaves room for keys later versions add and still keeps a segment or other junk out.
     */
    public static final int MAX_SIZE = 64 << 10;
    static final String START = "START WAL LOCATION";
    static final String STOP = "STOP WAL LOCATION";

    private static final Pattern FIELD = Pattern.compile("([A-Z][A-Z ]*): (.*)", Pattern.DOTALL);
    private static final Pattern LOCATION = Pattern.compile(
            "([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8}) \\(file ([0-9A-F]{24})\\)");

    public BackupHistoryFile {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The value of the first {@code key: value} line with that key, such as "LABEL" or "STOP TIMELINE". */
    public Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /**
     * Parses {@code content} as the backup history file {@code name} of a server whose segment size is not
     * known: it is accepted if the name fits the start location for some valid segment size.
     *
     * @throws IllegalArgumentException with the one-line problem if the file is not a valid backup history file
     *     or {@code name} is not a {@code .backup} name
     */
    public static BackupHistoryFile parse(WalFileName name, byte[] content) {
        BackupHistoryFile file = read(name, content);
        for (int shift = 0; shift < Long.SIZE - 1; shift++) {
            long size = 1L << shift;
            if (WalHeaderCheck.isValidSegmentSize(size) && matches(name, file.startLsn(), size)) {
                return file;
            }
        }
        throw new IllegalArgumentException(mismatch(name, file.startLsn(), "for any segment size"));
    }

    /**
     * Parses {@code content} as the backup history file {@code name} of a server with {@code segmentSize}-byte
     * segments.
     *
     * @throws IllegalArgumentException with the one-line problem, as {@link #parse(WalFileName, byte[])}, or if
     *     {@code segmentSize} is not a valid segment size
     */
    public static BackupHistoryFile parse(WalFileName name, byte[] content, long segmentSize) {
        if (!WalHeaderCheck.isValidSegmentSize(segmentSize)) {
            throw new IllegalArgumentException(segmentSize + " bytes is not a WAL segment size (a power of two "
                    + "from 1 MiB to 1 GiB)");
        }
        BackupHistoryFile file = read(name, content);
        if (!matches(name, file.startLsn(), segmentSize)) {
            throw new IllegalArgumentException(mismatch(name, file.startLsn(), "with " + segmentSize
                    + "-byte segments"));
        }
        return file;
    }

    /** What is wrong with {@code content} as the backup history file {@code name}, if anything; never throws. */
    public static Optional<String> problem(WalFileName name, byte[] content) {
        try {
            parse(name, content);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** As {@link #problem(WalFileName, byte[])}, for a server with {@code segmentSize}-byte segments. */
    public static Optional<String> problem(WalFileName name, byte[] content, long segmentSize) {
        try {
            parse(name, content, segmentSize);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static BackupHistoryFile read(WalFileName name, byte[] content) {
        if (name.kind() != WalFileName.Kind.BACKUP) {
            throw new IllegalArgumentException(name.name() + " is not a backup history file name");
        }
        String file = name.name();
        List<String> lines = WalText.lines(file, content, MAX_SIZE, "backup history file").stream()
                .map(WalText.Line::text)
                .toList();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                fields.putIfAbsent(m.group(1), m.group(2));
            }
        }
        Matcher first = FIELD.matcher(lines.getFirst());
        if (!first.matches() || !first.group(1).equals(START)) {
            throw new IllegalArgumentException(file + " starts with '" + WalText.printable(lines.getFirst())
                    + "', not '" + START + ": X/X (file NAME)'; the file is damaged or not a backup history file");
        }
        Matcher start = location(file, START, first.group(2));
        String startFile = start.group(3);
        if (!startFile.equals(file.substring(0, 24))) {
            throw new IllegalArgumentException(file + " says the backup started in " + startFile + ", not in "
                    + file.substring(0, 24) + "; the file was renamed or damaged");
        }
        if (fields.containsKey(STOP)) {
            location(file, STOP, fields.get(STOP));
        }
        return new BackupHistoryFile(lsn(start), startFile, fields);
    }

    private static Matcher location(String file, String key, String value) {
        Matcher m = LOCATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " has '" + key + ": " + WalText.printable(value) + "', not '"
                    + key + ": X/X (file NAME)'; the file is damaged or not a backup history file");
        }
        return m;
    }

    private static long lsn(Matcher location) {
        return Long.parseLong(location.group(1), 16) << 32 | Long.parseLong(location.group(2), 16);
    }

    private static boolean matches(WalFileName name, long lsn, long segmentSize) {
        return name.fitsSegmentSize(segmentSize) && offset(name) < segmentSize
                && name.startLsn(segmentSize) + offset(name) == lsn;
    }

    /** The 8 hex digits between the segment and ".backup": where in the segment the backup started. */
    private static long offset(WalFileName name) {
        return Long.parseLong(name.name().substring(25, 33), 16);
    }

    private static String mismatch(WalFileName name, long lsn, String segments) {
        return String.format("%s says the backup started at %X/%08X, which is not at offset %08X of %s %s; the "
                + "file was renamed or damaged", name.name(), lsn >>> 32, lsn & 0xFFFFFFFFL, offset(name),
                name.name().substring(0, 24), segments);
    }
}
