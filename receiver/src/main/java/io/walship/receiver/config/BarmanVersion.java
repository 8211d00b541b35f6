package io.walship.receiver.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Barman release. Two boundaries matter to walship: Barman 3.12 is the first to read zstd, lz4 and xz WAL,
 * and Barman 3.13 moved xlog.db from {@code wals/xlog.db} to {@code <xlogdb_directory>/<server>-xlog.db}.
 */
public record BarmanVersion(int major, int minor, int patch) implements Comparable<BarmanVersion> {

    public static final BarmanVersion READS_ZSTD = new BarmanVersion(3, 12, 0);
    public static final BarmanVersion SERVER_XLOG_DB = new BarmanVersion(3, 13, 0);

    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,4}))?");

    /** Parses {@code 3.4}, {@code 3.4.0}, {@code 3.13.1}; anything after the numbers (e.g. {@code a1}) is ignored. */
    public static Optional<BarmanVersion> parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        return Optional.of(new BarmanVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    /** What asking the installed Barman gave: its version, or why there is none. */
    public record Detected(Optional<BarmanVersion> version, String how) {
    }

    /**
     * Asks the installed Barman ({@code barman --version}, found on PATH), which prints its version without
     * reading any configuration.
     */
    public static Detected detect(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return new Detected(Optional.empty(), "cannot run '" + String.join(" ", command) + "': " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            // The answer is one short line, far below a pipe's capacity, so reading after the exit cannot block.
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Detected(Optional.empty(), "'" + String.join(" ", command) + "' did not answer within "
                        + timeout.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            String errors = new String(process.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            Optional<BarmanVersion> version = process.exitValue() == 0 ? parse(output) : Optional.empty();
            if (version.isEmpty()) {
                String said = (output + "\n" + errors).strip().lines().findFirst().orElse("");
                return new Detected(Optional.empty(), "'" + String.join(" ", command) + "' exited with "
                        + process.exitValue() + " and printed '" + said + "'");
            }
            return new Detected(version, "'" + String.join(" ", command) + "' says " + version.get());
        } catch (IOException e) {
            return new Detected(Optional.empty(), "cannot read the output of '" + String.join(" ", command) + "': "
                    + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Detected(Optional.empty(), "interrupted while running '" + String.join(" ", command) + "'");
        }
    }

    public boolean readsZstd() {
        return compareTo(READS_ZSTD) >= 0;
    }

    /** Barman 3.13 and later read {@code <xlogdb_directory>/<server>-xlog.db} instead of {@code wals/xlog.db}. */
    public boolean readsServerXlogDb() {
        return compareTo(SERVER_XLOG_DB) >= 0;
    }

    @Override
    public int compareTo(BarmanVersion other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c == 0 ? Integer.compare(patch, other.patch) : c;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
