package io.walship.receiver.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link between the receiver and an S3 store that forwards HTTP/1.1 as it is until told to fail: refuse
 * connections (its port closed), cut a PUT halfway through its body, answer a PUT with {@code 503 SlowDown} (an S3
 * error document) without forwarding it, or stall a PUT halfway through its body (nothing further forwarded either
 * way until the fault is cleared). Other requests (listings, reads) pass through every fault but refusal. It
 * remembers the request line of every request it saw, so that a test can count a client's attempts.
 */
final class FaultyS3Link implements AutoCloseable {

    enum Fault {
        NONE, REFUSE, CUT, SLOW_DOWN, STALL
    }

    private static final String SLOW_DOWN_BODY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>\
            <RequestId>faulty-link</RequestId></Error>""";

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Fault fault = Fault.NONE;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private FaultyS3Link(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Listens on a free loopback port, forwarding to {@code store}'s host and port. */
    static FaultyS3Link to(URI store) throws IOException {
        FaultyS3Link link = new FaultyS3Link(new InetSocketAddress(store.getHost(), store.getPort()),
                FixedPortReceiver.freePort());
        link.listen();
        return link;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * From now on, fail as {@code fault} says; connections open so far are closed, so that a client's pooled ones
     * meet the fault as new ones do. {@link Fault#NONE} forwards again.
     */
    synchronized void fail(Fault fault) throws IOException {
        this.fault = fault;
        closeConnections();
        if (fault == Fault.REFUSE) {
            stopListening();
        } else if (listener == null) {
            listen();
        }
    }

    /** The request lines seen so far ({@code PUT /bucket/key HTTP/1.1}), oldest first. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many of the requests seen so far were PUTs of {@code key} in {@code bucket}. */
    long putsOf(String bucket, String key) {
        String line = "PUT /" + bucket + "/" + key + " ";
        return requests.stream().filter(r -> r.startsWith(line)).count();
    }

    private void listen() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = socket;
        Thread.ofPlatform().daemon().name("faulty-s3-link-accept").start(() -> accept(socket));
    }

    private void stopListening() throws IOException {
        ServerSocket socket = listener;
        listener = null;
        if (socket != null) {
            socket.close();
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofPlatform().daemon().name("faulty-s3-link-connection").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket store = new Socket();
        open.add(client);
        open.add(store);
        try (client; store) {
            store.connect(target);
            Thread.ofPlatform().daemon().name("faulty-s3-link-replies").start(() -> copy(store, client));
            forwardRequests(client.getInputStream(), store.getOutputStream(), client.getOutputStream());
        } catch (IOException e) {
            // A side closed: by a fault, by the client or the store; the other side goes with it.
        } finally {
            open.remove(client);
            open.remove(store);
        }
    }

    /** Request by request: its head, then its body as the fault at its start says. */
    private void forwardRequests(InputStream in, OutputStream store, OutputStream client) throws IOException {
        while (true) {
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            requests.add(requestLine);
            long length = contentLength(text);
            Fault now = requestLine.startsWith("PUT ") && length > 0 ? fault : Fault.NONE;
            switch (now) {
                case SLOW_DOWN -> {
                    // A body being sent is read to its end, so that the client meets no reset before it reads the
                    // answer; a client waiting for 100 Continue sends none, and the connection ends with the answer.
                    boolean waits = text.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue\r\n");
                    if (!waits) {
                        copy(in, OutputStream.nullOutputStream(), length);
                    }
                    byte[] body = SLOW_DOWN_BODY.getBytes(StandardCharsets.UTF_8);
                    client.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                            + body.length + (waits ? "\r\nConnection: close" : "") + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    client.write(body);
                    client.flush();
                    if (waits) {
                        return;
                    }
                }
                case CUT -> {
                    store.write(head);
                    copy(in, store, length / 2);
                    return;
                }
                case STALL -> {
                    store.write(head);
                    copy(in, store, length / 2);
                    awaitCleared();
                    return;
                }
                default -> {
                    store.write(head);
                    copy(in, store, length);
                }
            }
        }
    }

    private synchronized void awaitCleared() {
        while (fault == Fault.STALL && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The bytes up to and including the blank line; null at the end of the stream before a request. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the request head ended early");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    private static void copy(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = bytes;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the request body ended early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
        out.flush();
    }

    /** The store's replies; a store that gives up on a stalled request stays silent to the client as well. */
    private void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // Either side closed.
        } finally {
            awaitCleared();
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private synchronized void closeConnections() {
        notifyAll();
        List<Socket> sockets = new ArrayList<>(open);
        sockets.forEach(FaultyS3Link::closeQuietly);
        open.removeAll(sockets);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do with it.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeConnections();
        stopListening();
    }
}
