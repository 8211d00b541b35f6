package io.walship.agent.aot;

import io.walship.agent.ca.CertificateAuthority;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code walship receiver} for the training run, started through the launcher on a loopback port with a
 * throwaway Barman directory, so that push and fetch train against the receiver they meet in production.
 */
final class TrainingReceiver implements AutoCloseable {

    static final String SERVER = "training";
    static final String CLIENT = "agent";
    /** What the receiver prints on stdout once it accepts connections. */
    private static final Pattern LISTENING = Pattern.compile("walship receiver listening on \\S+:(\\d+)");
    private static final long START_SECONDS = 60;
    private static final long STOP_SECONDS = 15;

    private final Process process;
    private final int port;

    private TrainingReceiver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Writes a receiver configuration under {@code dir} for the CA in {@code ca} (which holds the receiver's
     * certificate) and starts {@code launcher receiver} with it; its log goes to {@code dir/receiver.log}.
     */
    static TrainingReceiver start(Path launcher, Path dir, Path ca) throws IOException {
        Files.createDirectory(dir.resolve("barman"));
        Path config = dir.resolve("receiver.conf");
        // Barman 3.4 named, so the receiver does not ask the host's Barman; uncompressed, which every release reads.
        Files.writeString(config, String.join("\n",
                "[receiver]",
                "listen = 127.0.0.1:0",
                "barman_home = barman",
                "barman_version = 3.4",
                "ca_file = " + ca.resolve(CertificateAuthority.CA_CERTIFICATE),
                "cert_file = " + ca.resolve("receiver.crt"),
                "key_file = " + ca.resolve("receiver.key"),
                "compression = none",
                "",
                "[" + SERVER + "]",
                "clients = " + CLIENT,
                ""), StandardCharsets.US_ASCII);
        Path log = dir.resolve("receiver.log");
        Process process = new ProcessBuilder(List.of(launcher.toString(), "receiver", "--config", config.toString()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(log.toFile())
                .start();
        try {
            return new TrainingReceiver(process, awaitPort(process));
        } catch (IOException e) {
            stop(process);
            throw new IOException(e.getMessage() + "; its log: " + Files.readString(log).strip(), e);
        }
    }

    /** The port the receiver announces on stdout, which a thread of its own reads to the end. */
    private static int awaitPort(Process process) throws IOException {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("walship-training-receiver").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new IOException("the training receiver exited before it listened"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        });
        try {
            return port.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the training receiver did not listen within " + START_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the training receiver started");
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
