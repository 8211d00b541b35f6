package io.walship.receiver.status;

import io.walship.cli.StatusJson;
import io.walship.receiver.metrics.ReceiverStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The Unix socket on which a running receiver answers {@code walship receiver-status}: each connection gets the
 * current status as JSON, then the end of the stream. Owner-only, like the archive it describes; the command
 * reads it with {@link #read}.
 */
public final class StatusSocket implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusSocket.class.getName());

    /** The file type bits of st_mode, and those of a socket (stat(2)). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final ServerSocketChannel server;

    private StatusSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /** Another receiver answers on the socket already. */
    public static final class InUse extends IOException {
        InUse(Path path) {
            super("another receiver answers on " + path + " (status_socket)");
        }
    }

    /**
     * Answers on {@code path} with what {@code status} returns at each connection, as JSON. A socket file no receiver
     * answers on any more (one that was killed left it) is replaced; one that answers is {@link InUse}. Any other
     * failure says in one line what to change.
     */
    public static StatusSocket open(Path path, Supplier<ReceiverStatus> status) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new IOException(path + " (status_socket) is no socket; set status_socket to a path where "
                        + "nothing else is");
            }
            if (read(path).isPresent()) {
                throw new InUse(path);
            }
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new IOException("cannot answer on " + path + " (status_socket): " + e.getMessage() + "; set "
                    + "status_socket to a path in a directory the receiver's user can write", e);
        }
        StatusSocket socket = new StatusSocket(path, server);
        Thread.ofPlatform().daemon().name("walship-status").start(() -> socket.serve(status));
        return socket;
    }

    /** What a receiver answers on {@code path}; empty when none does (no socket, or nobody listening). */
    public static Optional<byte[]> read(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return Optional.of(Channels.newInputStream(channel).readAllBytes());
        } catch (ConnectException e) {
            return Optional.empty();
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    /** One connection at a time: an answer is a few KiB, written at once into the socket's buffer. */
    private void serve(Supplier<ReceiverStatus> status) {
        while (true) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer answer = ByteBuffer.wrap(StatusJson.MAPPER.writeValueAsBytes(status.get()));
                while (answer.hasRemaining()) {
                    client.write(answer);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warning("could not answer a walship receiver-status on " + path + ": " + e.getMessage());
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Stops answering and removes the socket file, so that the command says no receiver runs. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning("cannot remove " + path + ": " + e.getMessage());
        }
    }
}
