package io.walship.agent.fetch;

import io.walship.wal.WalFileName;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a base backup's {@code backup_label} says about where its recovery starts: the segment of its "START WAL
 * LOCATION" line, which recovery asks for first (after probing for history files). The file is PostgreSQL's own
 * text (do_pg_backup_start), and PostgreSQL renames it once recovery has read it.
 */
final class BackupLabel {

    static final String FILE = "backup_label";
    private static final Pattern START = Pattern.compile(
            "^START WAL LOCATION: [0-9A-F]{1,8}/[0-9A-F]{1,8} \\(file ([0-9A-F]{24})\\)$", Pattern.MULTILINE);

    private BackupLabel() {
    }

    /** The segment recovery from this label starts in; empty when the text has no such line. */
    static Optional<WalFileName> startSegment(String text) {
        Matcher start = START.matcher(text);
        return start.find() ? Optional.of(WalFileName.parse(start.group(1))) : Optional.empty();
    }
}
