package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process the test keeps running while it does other things (a second lock holder, a long Barman command),
 * its output in files. Closing it ends it if it still runs.
 */
final class Background implements AutoCloseable {

    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final Path out;
    private final Path err;

    private Background(List<String> command, Process process, Path out, Path err) {
        this.command = command;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.out = out;
        this.err = err;
    }

    /** Starts {@code command} in {@code dir}; its stdin stays open until {@link #closeStdin}. */
    static Background start(List<String> command, Path dir) throws IOException {
        Path out = Files.createTempFile("walship-it-bg-", ".out");
        Path err = Files.createTempFile("walship-it-bg-", ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Background(List.copyOf(command), process, out, err);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String stdout() throws IOException {
        return Files.readString(out);
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    /** Waits until the process has printed {@code text} on stdout; fails if it exits or the time is up first. */
    void awaitStdout(String text, Duration timeout) throws IOException {
        boolean seen = PostgresCluster.poll(timeout, () -> {
            if (stdout().contains(text)) {
                return true;
            }
            if (!alive()) {
                fail(describe("exited before printing '" + text + "'"));
            }
            return false;
        });
        if (!seen) {
            fail(describe("did not print '" + text + "' within " + timeout));
        }
    }

    /** Ends the input, which lets a {@code cat} (or anything reading stdin) finish. */
    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Waits for the exit and returns what the process did. */
    Proc.Result await(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(describe("did not finish within " + timeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + command, e);
        }
        return new Proc.Result(command, process.exitValue(), stdout(), stderr());
    }

    String describe(String what) throws IOException {
        return "command " + command + " " + what + (alive() ? "" : " (exit code " + process.exitValue() + ")")
                + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping " + command, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
