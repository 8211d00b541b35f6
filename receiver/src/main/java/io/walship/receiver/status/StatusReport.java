package io.walship.receiver.status;

import io.walship.receiver.metrics.ReceiverStatus;
import io.walship.receiver.store.barman.IndexSummary;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;

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
     * One server's xlog.db at a glance.
     *
     * @param newestFile the name on its last line (the newest in name order), null when it lists nothing
     * @param newestFileTime the time xlog.db gives that file (its modification time on the PostgreSQL host), to the
     *     millisecond
     * @param today the local date of {@code filesToday} and {@code storedBytesToday}: the files xlog.db lists with a
     *     time since its midnight
     */
    public record Archive(String index, String newestFile, String newestFileTime, String today, long filesToday,
            long storedBytesToday) {

        static Archive of(IndexSummary summary, LocalDate today) {
            return new Archive(summary.index().toString(), summary.lastName().orElse(null),
                    summary.lastTime().map(time -> time.truncatedTo(ChronoUnit.MILLIS).toString()).orElse(null),
                    today.toString(), summary.filesSince(),
                    summary.storedBytesSince());
        }
    }
}
