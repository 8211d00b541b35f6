import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What a link carries: one TCP stream of zeros from one end to the other, timed at the receiving end.
 *
 * <pre>
 *   java LinkRate.java sink ADDRESS PORT      prints "listening", then, once the sender closes,
 *                                             "BYTES SECONDS" (from the first byte received to the last)
 *   java LinkRate.java send HOST PORT BYTES   sends BYTES zeros and closes
 * </pre>
 *
 * Used by benchmarks/e2e/run to tell the rate the two-host link really reaches; run with the JDK's
 * single-file launcher, nothing to build.
 */
public final class LinkRate {

    private static final int BUFFER = 1 << 20;

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("sink")) {
            sink(new InetSocketAddress(args[1], Integer.parseInt(args[2])));
        } else if (args.length == 4 && args[0].equals("send")) {
            send(new InetSocketAddress(args[1], Integer.parseInt(args[2])), Long.parseLong(args[3]));
        } else {
            System.err.println("usage: LinkRate sink ADDRESS PORT | LinkRate send HOST PORT BYTES");
            System.exit(2);
        }
    }

    private static void sink(InetSocketAddress address) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(address);
            System.out.println("listening");
            System.out.flush();
            try (SocketChannel channel = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
                long bytes = 0;
                long first = 0;
                long last = 0;
                int n;
                while ((n = channel.read(buffer)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    last = System.nanoTime();
                    if (bytes == 0) {
                        first = last;
                    }
                    bytes += n;
                    buffer.clear();
                }
                System.out.printf("%d %.6f%n", bytes, (last - first) / 1e9);
            }
        }
    }

    private static void send(InetSocketAddress address, long total) throws IOException {
        try (SocketChannel channel = SocketChannel.open(address)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER);
            long left = total;
            while (left > 0) {
                zeros.clear().limit((int) Math.min(BUFFER, left));
                while (zeros.hasRemaining()) {
                    left -= channel.write(zeros);
                }
            }
        }
    }
}
