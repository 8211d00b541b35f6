package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A running {@code walship receiver}, started in the foreground and stopped on close. */
final class ReceiverProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("walship receiver listening on (\\S+):(\\d+)");

    private final Process process;
    private final Path stderrLog;
    private final int port;

    private ReceiverProcess(Process process, Path stderrLog, int port) {
        this.process = process;
        this.stderrLog = stderrLog;
        this.port = port;
    }

    static ReceiverProcess start(List<String> command, Path stderrLog, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(stderrLog.toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        StringBuilder stdout = new StringBuilder();
        // Keeps draining stdout for the whole life of the process so that it can never block on a full pipe.
        Thread.ofPlatform().daemon().name("walship-receiver-stdout").start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (stdout) {
                        stdout.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ready.complete(m);
                    }
                }
                ready.completeExceptionally(new IOException("stdout closed"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            Matcher m = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ReceiverProcess(process, stderrLog, Integer.parseInt(m.group(2)));
        } catch (ExecutionException | TimeoutException e) {
            kill(process);
            String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
            synchronized (stdout) {
                return fail("receiver " + command + " did not print 'walship receiver listening on HOST:PORT'"
                        + " within " + timeout + " (" + exit + ")\n--- stdout ---\n" + stdout
                        + "\n--- stderr ---\n" + Files.readString(stderrLog));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while starting the receiver", e);
        }
    }

    /** The receiver's JVM: the launcher execs it, so it is the process started here. */
    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    /** Everything the receiver logged so far. */
    String stderr() {
        try {
            return Files.readString(stderrLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the receiver log " + stderrLog, e);
        }
    }

    /** The last lines of the log under a heading, for failure messages. */
    String logTail(int lines) {
        return "\n--- receiver log (tail) ---\n" + Tail.of(stderr(), lines);
    }

    String logTail() {
        return logTail(40);
    }

    /** The first line logged after the first {@code from} characters that contains {@code text}, waited for. */
    String awaitLogLine(int from, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            String log = stderr();
            for (String line : log.substring(Math.min(from, log.length())).lines().toList()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the receiver's log", e);
            }
        } while (System.nanoTime() - deadline < 0);
        return fail("expected a receiver log line with '" + text + "' within " + timeout + logTail());
    }

    /** Sends the receiver {@code signal} (HUP, TERM), as kill(1) does. */
    void signal(String signal) throws IOException {
        Proc.check(List.of("kill", "-" + signal, String.valueOf(process.pid())), Path.of("/"), Duration.ofSeconds(10));
    }

    /** Stops it as {@link #close} does and returns its exit code. */
    int stop() throws IOException {
        kill(process);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        kill(process);
    }

    /** SIGTERM first, so that a clean shutdown is exercised; SIGKILL if that does not end it. */
    private static void kill(Process process) throws IOException {
        try {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while stopping the receiver", e);
        }
    }
}
