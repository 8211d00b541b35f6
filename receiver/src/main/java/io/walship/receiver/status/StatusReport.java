package io.walship.receiver.status;

import io.walship.receiver.metrics.ReceiverStatus;
import io.walship.receiver.store.barman.IndexSummary;
import io.walship.receiver.store.s3.BucketSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code walship receiver-status} reports: the running receiver's figures, as it answered on its status
 * socket, and what each server's archive says itself.
 *
 * @param statusSocket where the receiver was asked
 * @param receiver its figures since it started; null when no receiver answered
 * @param archive by server, in the order of the configuration
 */
public record StatusReport(String statusSocket, ReceiverStatus receiver, Map<String, Archive> archive) {

    /**
     * One server's xlog.db, or its bucket's listing, at a glance.
     *
     * @param index the xlog.db read, or the listed {@code s3://bucket/prefix/server/wals/}
     * @param newestFile the name on its last line (the newest in name order), null when it lists nothing
     * @param newestFileTime the time xlog.db gives that file (its modification time on the PostgreSQL host), or the
     *     time the bucket stored it, to the millisecond
     * @param today the local date of {@code filesToday} and {@code storedBytesToday}: the files xlog.db lists with a
     *     time since its midnight, or the bucket stored since then
     */
    public record Archive(String index, String newestFile, String newestFileTime, String today, long filesToday,
            long storedBytesToday) {

        static Archive of(IndexSummary summary, LocalDate today) {
            return of(summary.index().toString(), summary.lastName(), summary.lastTime(), today, summary.filesSince(),
                    summary.storedBytesSince());
        }

        /** A bucket server's: its newest object by WAL name and when the bucket stored it; today's objects. */
        static Archive of(BucketSummary summary, LocalDate today) {
            return of(summary.where(), summary.newestName(), summary.newestTime(), today, summary.filesSince(),
                    summary.storedBytesSince());
        }

        private static Archive of(String index, Optional<String> newest, Optional<Instant> newestTime,
                LocalDate today, long files, long bytes) {
            return new Archive(index, newest.orElse(null), newestTime.map(time -> time.truncatedTo(
                    ChronoUnit.MILLIS).toString()).orElse(null), today.toString(), files, bytes);
        }

        /** Whether it is a bucket's listing rather than an xlog.db. */
        boolean inBucket() {
            return index.startsWith("s3://");
        }
    }
}
