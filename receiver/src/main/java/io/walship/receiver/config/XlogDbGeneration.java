package io.walship.receiver.config;

import java.util.Optional;

/**
 * Which xlog.db file Barman reads. Barman 3.12 and older read {@code <wals_directory>/xlog.db}. Barman 3.13 and
 * later read {@code <xlogdb_directory>/<server>-xlog.db}; when that file is missing they create it by indexing
 * the files under {@code wals/} anew and delete the old {@code wals/xlog.db}, but only once something opens the
 * index: a {@code barman check} run before that finds no index and fails its WAL archive check, and so does the
 * check that {@code barman backup} runs first.
 */
public enum XlogDbGeneration {

    /** Barman 3.12 or older: always {@code wals/xlog.db}. */
    WALS_XLOG_DB,

    /**
     * Barman 3.13 or later: {@code <server>-xlog.db}. When it is missing, walship creates it the way Barman
     * would, from the files under {@code wals/}, and removes the old {@code wals/xlog.db}.
     */
    SERVER_XLOG_DB,

    /**
     * A Barman whose version is unknown: {@code <server>-xlog.db} once it exists, and {@code wals/xlog.db} until
     * then. Safe with both: an old Barman reads {@code wals/xlog.db}, a new one folds everything stored under
     * {@code wals/} into its own file the first time it opens it. Creating the new file could hide every entry
     * from an old Barman.
     */
    SERVER_XLOG_DB_WHEN_PRESENT;

    /** The file the given Barman release reads; empty: a release walship does not know. */
    public static XlogDbGeneration readBy(Optional<BarmanVersion> barman) {
        return barman.isEmpty() ? SERVER_XLOG_DB_WHEN_PRESENT
                : barman.get().readsServerXlogDb() ? SERVER_XLOG_DB : WALS_XLOG_DB;
    }
}
