package io.walship.agent.fetch;

/** How a fetch ended. {@code segmentSize} is known for verified segments, else 0. */
record FetchResult(Status status, String message, long segmentSize) {

    enum Status {
        /** The complete, verified file is in place. */
        FETCHED,
        /** The archive does not have the file. */
        NOT_FOUND,
        /** The receiver would not serve it (authorization, configuration, its own error). */
        REFUSED,
        /** What arrived is not the file: damaged on disk, in transit, or not a valid WAL file. */
        DAMAGED
    }

    static FetchResult of(Status status, String message) {
        return new FetchResult(status, message, 0);
    }
}
