package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a child process to completion with a deadline and captures its output. */
final class Proc {

    /** What a finished process left behind. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        String describe() {
            return "command " + command + " exited with " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }

        Result assertSuccess(String what) {
            if (exitCode != 0) {
                fail(what + ": expected exit code 0, " + describe());
            }
            return this;
        }
    }

    private Proc() {
    }

    /**
     * Output goes to temporary files rather than pipes: a child that forks a daemon (pg_ctl) cannot then
     * keep a reader blocked, and a chatty child can never stall on a full pipe.
     */
    static Result run(List<String> command, Path dir, String stdin, Duration timeout) throws IOException {
        Path out = Files.createTempFile("walship-it-", ".out");
        Path err = Files.createTempFile("walship-it-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!waitFor(process, timeout)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(10));
                fail("command " + command + " did not finish within " + timeout
                        + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result check(List<String> command, Path dir, Duration timeout) throws IOException {
        return run(command, dir, null, timeout).assertSuccess("running " + command.getFirst());
    }

    private static boolean waitFor(Process process, Duration timeout) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while waiting for " + process.info().command().orElse("a process"), e);
        }
    }
}
