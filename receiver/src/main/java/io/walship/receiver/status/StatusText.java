package io.walship.receiver.status;

import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.metrics.ReceiverStatus;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code walship receiver-status} for people: a few lines for the receiver, then a few per server. */
final class StatusText {

    private StatusText() {
    }

    static String of(StatusReport report) {
        StringBuilder text = new StringBuilder();
        ReceiverStatus receiver = report.receiver();
        if (receiver == null) {
            text.append("receiver: not running (nothing answers on ").append(report.statusSocket()).append(")\n");
        } else {
            text.append("receiver: running since ").append(receiver.started()).append('\n')
                    .append("  connections: ").append(counts(receiver.connections())).append('\n')
                    .append("  uploads under way: ").append(counts(receiver.uploadsInProgress())).append('\n')
                    .append("  TLS failures: ").append(counts(receiver.tlsFailures())).append('\n');
        }
        report.archive().forEach((name, archive) -> {
            text.append("server '").append(name).append("'\n");
            text.append(archive.inBucket() ? "  newest in the bucket: " : "  newest in xlog.db: ")
                    .append(archive.newestFile() == null ? "nothing yet" : archive.newestFile() + " ("
                            + archive.newestFileTime() + ")").append(", ").append(archive.index()).append('\n');
            text.append("  today (").append(archive.today()).append("): ").append(files(archive.filesToday()))
                    .append(", ").append(bytes(archive.storedBytesToday())).append(" stored\n");
            if (receiver != null) {
                ReceiverStatus.Server figures = receiver.servers().get(name);
                if (figures != null) {
                    text.append(sinceStart(figures));
                }
            }
        });
        if (receiver != null && receiver.servers().containsKey(ReceiverMetrics.UNKNOWN_SERVER)) {
            ReceiverStatus.Server unknown = receiver.servers().get(ReceiverMetrics.UNKNOWN_SERVER);
            text.append("requests naming no server of this receiver, or none: ")
                    .append(rejected(unknown)).append('\n');
        }
        return text.toString();
    }

    private static String sinceStart(ReceiverStatus.Server figures) {
        return "  since the receiver started: " + figures.uploads("stored") + " stored, "
                + figures.uploads("already_stored") + " already stored, " + figures.uploads("conflict")
                + " conflicting, " + rejected(figures) + ", " + figures.uploads("busy") + " busy, "
                + figures.uploads("failed") + " failed\n"
                + "    " + bytes(figures.receivedBytes()) + " received, " + bytes(figures.storedBytes()) + " stored, "
                + (figures.lastStored() == null ? "nothing stored yet" : "last stored " + figures.lastStored())
                + "\n";
    }

    /** Every rejected request counts, downloads and broken protocol too, so this is the sum of the reasons. */
    private static String rejected(ReceiverStatus.Server figures) {
        long total = figures.rejected().values().stream().mapToLong(Long::longValue).sum();
        return total + " rejected" + (total == 0 ? "" : " (" + counts(figures.rejected()) + ")");
    }

    private static String counts(Map<String, Long> byName) {
        if (byName.values().stream().allMatch(n -> n == 0)) {
            return "none";
        }
        return byName.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String files(long n) {
        return n + (n == 1 ? " file" : " files");
    }

    /** Exact below a KiB, else in binary units with one decimal. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
