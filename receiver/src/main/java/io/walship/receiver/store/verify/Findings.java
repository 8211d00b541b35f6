package io.walship.receiver.store.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the verification of one server's archive finds, one line each, whatever stores the archive. */
public final class Findings {

    /** How bad a finding is: a gap or damage loses recovery, an unindexed file only needs the receiver's start. */
    public enum Severity {
        WARNING, CRITICAL
    }

    /** One thing wrong, in one line. */
    public record Finding(Severity severity, String text) {
    }

    /** What was checked and found. */
    public record Report(String server, int files, int withChecksum, List<Finding> findings) {

        public Optional<Severity> worst() {
            return findings.stream().map(Finding::severity).max(Enum::compareTo);
        }
    }

    private final List<Finding> found = new ArrayList<>();

    public void critical(String text) {
        found.add(new Finding(Severity.CRITICAL, text));
    }

    public void warning(String text) {
        found.add(new Finding(Severity.WARNING, text));
    }

    public Report report(String server, int files, int withChecksum) {
        return new Report(server, files, withChecksum, List.copyOf(found));
    }
}
