package io.walship.receiver.store.barman;

/**
 * Which xlog.db file Barman reads. Barman 3.12 and older read {@code <wals_directory>/xlog.db}. Barman 3.13 and
 * later read {@code <xlogdb_directory>/<server>-xlog.db}; when that file is missing they create it by rebuilding
 * the index from the files under {@code wals/} and delete the old {@code wals/xlog.db}.
 */
public enum XlogDbGeneration {

    /** Barman 3.12 or older: always {@code wals/xlog.db}. */
    WALS_XLOG_DB,

    /**
     * Barman 3.13 or later, or a Barman whose version is unknown: {@code <server>-xlog.db} once it exists, and
     * {@code wals/xlog.db} until then. Writing the old file is safe with a new Barman, which folds everything
     * stored under {@code wals/} into the new file the first time it opens it; writing the new file first would
     * hide every older entry from it, and an old Barman never reads it.
     */
    SERVER_XLOG_DB_WHEN_PRESENT
}
