package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real receiver, started again and again with one configuration on one port, as an init system restarts it:
 * the agents keep dialling the same address across kills and stops. Each start logs into a file of its own.
 */
final class FixedPortReceiver implements AutoCloseable {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final TestBed bed;
    private final Path config;
    private final int port;
    private final List<Path> logs = new ArrayList<>();
    private ReceiverProcess running;

    private FixedPortReceiver(TestBed bed, Path config, int port) {
        this.bed = bed;
        this.config = config;
        this.port = port;
    }

    /** Writes {@code config}, set to a free port, as receiver.conf; nothing runs until {@link #start}. */
    static FixedPortReceiver configure(TestBed bed, ReceiverConfigFile config) throws IOException {
        int port = freePort();
        return bed.closeLater(new FixedPortReceiver(bed, config.port(port).writeTo(bed.resolve("receiver.conf")),
                port));
    }

    int port() {
        return port;
    }

    int starts() {
        return logs.size();
    }

    ReceiverProcess running() {
        assertNotNull(running, "expected a running receiver");
        return running;
    }

    void start() throws IOException {
        assertNull(running, "expected the previous receiver to be gone before a new start");
        Path log = bed.resolve("receiver-" + (logs.size() + 1) + ".stderr");
        logs.add(log);
        running = bed.launcher().startReceiver(config, log);
        assertEquals(port, running.port(), "expected the receiver back on its port" + logTail());
    }

    /** SIGKILL to the JVM, as in a crash or the OOM killer; returns once it is gone, with the time it was. */
    Instant kill() throws IOException {
        ProcessHandle jvm = ProcessHandle.of(running().pid()).orElseGet(() -> fail("the receiver is gone already"
                + logTail()));
        jvm.destroyForcibly();
        awaitExit(jvm);
        Instant gone = Instant.now();
        forget();
        return gone;
    }

    /** SIGTERM, which lets the receiver end its connections and uploads; returns once it is gone. */
    void stop() throws IOException {
        ProcessHandle jvm = ProcessHandle.of(running().pid()).orElseGet(() -> fail("the receiver is gone already"
                + logTail()));
        jvm.destroy();
        awaitExit(jvm);
        forget();
    }

    /** The last lines each start logged, for failure messages. */
    String logTail() {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            try {
                text.append("\n--- ").append(log.getFileName()).append(" (tail) ---\n")
                        .append(Tail.of(Files.readString(log), 15));
            } catch (IOException e) {
                text.append("\n--- ").append(log.getFileName()).append(" unreadable: ").append(e.getMessage());
            }
        }
        return text.toString();
    }

    /** Everything every start logged. */
    String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            text.append(Files.readString(log));
        }
        return text.toString();
    }

    private void awaitExit(ProcessHandle jvm) throws IOException {
        try {
            jvm.onExit().get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the receiver (pid " + jvm.pid() + ") still runs " + EXIT_TIMEOUT + " after a signal" + logTail());
        } catch (ExecutionException e) {
            throw new IOException("cannot wait for the receiver to exit", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the receiver to exit", e);
        }
    }

    /** Reaps the exited process. */
    private void forget() throws IOException {
        ReceiverProcess gone = running;
        running = null;
        gone.close();
    }

    @Override
    public void close() throws IOException {
        if (running != null) {
            forget();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
