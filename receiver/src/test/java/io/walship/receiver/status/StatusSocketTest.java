package io.walship.receiver.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.cli.StatusJson;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.metrics.ReceiverStatus;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's status socket, on a real Unix socket. */
class StatusSocketTest {

    @TempDir
    Path dir;

    private final ReceiverMetrics metrics = new ReceiverMetrics(List.of("pg"), List.of(), Clock.systemUTC());

    @Test
    void eachConnectionGetsTheStatusOfThatMomentOnASocketOnlyItsOwnerMayUse() throws IOException {
        Path path = dir.resolve("receiver.sock");
        try (StatusSocket socket = StatusSocket.open(path, metrics::status)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(0, read(path).servers().get("pg").storedBytes());

            metrics.stored("pg", 4096);

            assertEquals(4096, read(path).servers().get("pg").storedBytes());
        }
        assertFalse(Files.exists(path), "closing removes the socket");
        assertEquals(Optional.empty(), StatusSocket.read(path));
    }

    @Test
    void aSocketAnotherReceiverAnswersOnIsInUse() throws IOException {
        Path path = dir.resolve("receiver.sock");
        try (StatusSocket first = StatusSocket.open(path, metrics::status)) {
            StatusSocket.InUse e = assertThrows(StatusSocket.InUse.class, () -> StatusSocket.open(path,
                    metrics::status));
            assertEquals("another receiver answers on " + path + " (status_socket)", e.getMessage());
            assertTrue(StatusSocket.read(path).isPresent(), "the first one goes on answering");
        }
    }

    @Test
    void aSocketAKilledReceiverLeftIsTakenOver() throws IOException {
        Path path = dir.resolve("receiver.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path), "a closed server socket leaves its file, as a killed receiver does");
        assertEquals(Optional.empty(), StatusSocket.read(path), "nobody answers on it");

        try (StatusSocket socket = StatusSocket.open(path, metrics::status)) {
            assertEquals(List.of("pg"), List.copyOf(read(path).servers().keySet()));
        }
    }

    @Test
    void aFileThatIsNoSocketIsLeftAlone() throws IOException {
        Path path = Files.writeString(dir.resolve("receiver.conf"), "[receiver]\n");

        IOException e = assertThrows(IOException.class, () -> StatusSocket.open(path, metrics::status));

        assertEquals(path + " (status_socket) is no socket; set status_socket to a path where nothing else is",
                e.getMessage());
        assertEquals("[receiver]\n", Files.readString(path));
    }

    @Test
    void aDirectoryThatCannotTakeTheSocketIsSaidInOneLine() {
        Path path = dir.resolve("missing").resolve("receiver.sock");

        IOException e = assertThrows(IOException.class, () -> StatusSocket.open(path, metrics::status));

        assertTrue(e.getMessage().startsWith("cannot answer on " + path + " (status_socket): "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; set status_socket to a path in a directory the receiver's user can "
                + "write"), e.getMessage());
    }

    private static ReceiverStatus read(Path path) throws IOException {
        return StatusJson.MAPPER.readValue(StatusSocket.read(path).orElseThrow(), ReceiverStatus.class);
    }
}
