package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Barman of this machine ({@code barman} on PATH, Debian's package in CI), run with a test configuration
 * as the user the tests run as ({@code barman_user} in that configuration).
 */
final class Barman {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path executable;
    private final Path config;
    private final Path logFile;
    private final String version;

    private Barman(Path executable, Path config, Path logFile, String version) {
        this.executable = executable;
        this.config = config;
        this.logFile = logFile;
        this.version = version;
    }

    /** The installed Barman, or a failure saying how CI gets it. */
    static Barman locate(Path config, Path logFile) throws IOException {
        Path executable = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "barman")).filter(Files::isExecutable)
                .findFirst()
                .orElseGet(() -> fail("barman is not installed (no 'barman' on PATH); .ci/run must install Debian's "
                        + "barman package (apt-get install barman)"));
        Proc.Result result = Proc.run(List.of(executable.toString(), "--version"), Path.of("/"), null, TIMEOUT);
        if (result.exitCode() != 0 || !result.stdout().matches("(?s)\\d+\\.\\d+.*")) {
            fail("barman --version does not work: " + result.describe());
        }
        return new Barman(executable, config, logFile, result.stdout().strip().split("\\s+")[0]);
    }

    /** E.g. {@code 3.4.0}. */
    String version() {
        return version;
    }

    /** The Python interpreter Barman runs with (its script's #! line), to ask Barman's own modules. */
    String python() throws IOException {
        String first = Files.readAllLines(executable).getFirst();
        if (!first.startsWith("#!")) {
            fail(executable + " has no #! line; cannot tell which Python runs Barman");
        }
        return first.substring(2).strip().split("\\s+")[0];
    }

    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "-c", config.toString()));
        command.addAll(List.of(args));
        return command;
    }

    Proc.Result run(String... args) throws IOException {
        return Proc.run(command(args), config.getParent(), null, TIMEOUT);
    }

    /** Runs a Barman command that must succeed; the failure message carries Barman's log. */
    Proc.Result ok(String... args) throws IOException {
        Proc.Result result = run(args);
        if (result.exitCode() != 0) {
            fail("barman " + String.join(" ", args) + " failed: " + result.describe() + "\n--- barman log ---\n"
                    + logTail());
        }
        return result;
    }

    /** {@code barman get-wal SERVER NAME}, whose standard output is the (binary) WAL file. */
    byte[] getWal(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("get-wal"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("walship-it-get-wal-", ".out");
        Path err = Files.createTempFile("walship-it-get-wal-", ".err");
        try {
            Process process = new ProcessBuilder(command(command.toArray(String[]::new)))
                    .directory(config.getParent().toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("barman " + command + " did not finish within " + TIMEOUT);
            }
            if (process.exitValue() != 0) {
                fail("barman " + command + " exited with " + process.exitValue() + ": " + Files.readString(err)
                        + "\n--- barman log ---\n" + logTail());
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running barman " + command, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    String logTail() throws IOException {
        if (!Files.exists(logFile)) {
            return "(no barman log at " + logFile + ")";
        }
        return Tail.of(Files.readString(logFile), 40);
    }
}
