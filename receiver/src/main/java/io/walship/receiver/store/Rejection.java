package io.walship.receiver.store;

import java.util.Locale;

/**
 * Why the receiver answered a request REJECTED: one word for each place it refuses, so that the metrics count
 * refusals by a small fixed set of reasons rather than by the free text a client gets.
 */
public enum Rejection {
    /** The request names a server the receiver does not archive for. */
    UNKNOWN_SERVER,
    /** The client's certificate is not among the server's clients. */
    UNAUTHORIZED,
    /** Not a WAL file name as PostgreSQL writes it. */
    BAD_NAME,
    /** A size no file of that kind has. */
    BAD_SIZE,
    /** A modification time no index line can carry. */
    BAD_TIME,
    /** A segment's page header, or a history or backup file's text, does not match its name and size. */
    BAD_CONTENT,
    /** More or fewer bytes arrived than the upload announced. */
    SIZE_MISMATCH,
    /** The bytes that arrived are not those the agent sent. */
    CHECKSUM_MISMATCH,
    /** A segment of another PostgreSQL system than the one the server archives. */
    OTHER_SYSTEM,
    /** A segment size other than the server's. */
    SEGMENT_SIZE,
    /** WAL of another PostgreSQL version than the server's. */
    WAL_MAGIC,
    /** An encoded upload that does not decode to one whole file of the announced size (see WireEncoding). */
    BAD_ENCODING,
    /** A broken wire protocol: a wrong first message, an unknown version, a frame out of place. */
    PROTOCOL;

    /** The value of the {@code reason} label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
