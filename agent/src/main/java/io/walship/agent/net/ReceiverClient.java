package io.walship.agent.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ReceiverAddresses;
import io.walship.protocol.CertificateRole;
import io.walship.protocol.OwnCertificate;
import io.walship.protocol.TlsAlert;
import io.walship.protocol.TlsContexts;
import io.walship.protocol.TlsFailure;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Mutual-TLS connections to the configured receiver: {@link Exchange}s, each on a fresh connection or, with
 * {@code reuse}, on one an earlier exchange left warm (a long-running read-ahead then pays the TLS handshake, and
 * its certificate checks, once per connection instead of once per file); or long-lived upload sessions.
 */
public final class ReceiverClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /**
     * How long one exchange may go on trying receivers that could not be asked: three connect timeouts, so that a
     * host that swallows packets leaves time for the next. No new try starts after it.
     */
    private static final long FAILOVER_DEADLINE_NANOS = TimeUnit.MILLISECONDS.toNanos(3L * CONNECT_TIMEOUT_MILLIS);
    private static final Logger LOG = Logger.getLogger(ReceiverClient.class.getName());
    /** The pipeline's name of the exchange, which a warm connection's next exchange replaces. */
    static final String CONVERSATION = "conversation";
    /** Which receiver a connection is to, as failures name it; a warm connection's exchange may fail late. */
    private static final AttributeKey<String> RECEIVER = AttributeKey.valueOf(ReceiverClient.class, "receiver");

    private final AgentConfig config;
    private final ReceiverAddresses receivers;
    /** Where the last exchange of this process got through; the next one starts there. */
    private volatile Endpoint lastWorked;
    private final SslContext tls;
    private final EventLoopGroup group;
    private final boolean reuse;
    /** Connections whose exchange ended cleanly, each waiting for the next; at most one per concurrent exchange. */
    private final Queue<Channel> warm = new ConcurrentLinkedQueue<>();

    public ReceiverClient(AgentConfig config, int threads, boolean reuse) throws ReceiverFailure {
        this.config = config;
        this.receivers = config.receivers();
        this.reuse = reuse;
        try {
            this.tls = TlsContexts.agent(config.certFile(), config.keyFile(), config.caFile());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ReceiverFailure(ReceiverFailure.Kind.SETUP, "cannot load the TLS files named in "
                    + config.file() + " (cert_file, key_file, ca_file): " + e.getMessage());
        }
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    public ReceiverClient(AgentConfig config, int threads) throws ReceiverFailure {
        this(config, threads, false);
    }

    public ReceiverClient(AgentConfig config) throws ReceiverFailure {
        this(config, 1, false);
    }

    /**
     * Runs one exchange and returns its result: on a warm connection when there is one, else on a new one. A warm
     * connection that turns out closed before any answer (the receiver restarted, or dropped it as idle) costs
     * nothing: the exchange runs again on a new connection.
     */
    public <T> T run(Exchange<T> exchange) throws ReceiverFailure {
        try {
            if (reuse) {
                exchange.keepConnectionIn(warm::offer);
                Channel channel = takeWarm();
                if (channel != null) {
                    resume(channel, exchange);
                    try {
                        return exchange.result.get();
                    } catch (ExecutionException e) {
                        if (exchange.answered()) {
                            throw describe(e.getCause(), channel.attr(RECEIVER).get());
                        }
                        exchange.restart();
                    }
                }
            }
            return dial(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReceiverFailure(ReceiverFailure.Kind.BROKEN, "interrupted");
        } finally {
            exchange.cleanUp();
        }
    }

    private <T> T dial(Exchange<T> exchange) throws ReceiverFailure, InterruptedException {
        Attempts attempts = new Attempts();
        while (true) {
            Endpoint endpoint = attempts.next();
            exchange.failOverOnBusy(attempts.hasNext());
            connect(endpoint, attempts.connectTimeoutMillis(), exchange, exchange.result);
            try {
                T result = exchange.result.get();
                lastWorked = endpoint;
                return result;
            } catch (ExecutionException e) {
                attempts.failed(endpoint, e.getCause(), exchange.answered());
                exchange.restart();
            }
        }
    }

    private Channel takeWarm() {
        for (Channel channel = warm.poll(); channel != null; channel = warm.poll()) {
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    private static void resume(Channel channel, Exchange<?> exchange) {
        channel.eventLoop().execute(() -> {
            Exchange<?> previous = (Exchange<?>) channel.pipeline().get(CONVERSATION);
            channel.attr(Exchange.OUTCOME).set(exchange.result);
            channel.pipeline().replace(CONVERSATION, CONVERSATION, exchange);
            exchange.resume(channel.pipeline().context(exchange), previous.welcome());
        });
    }

    /** Opens a connection for many requests, one after another, to the first receiver that welcomes it. */
    public ReceiverSession openSession() throws ReceiverFailure {
        Attempts attempts = new Attempts();
        while (true) {
            Endpoint endpoint = attempts.next();
            ReceiverSession session = new ReceiverSession(this);
            session.attach(connect(endpoint, attempts.connectTimeoutMillis(), session.handler(), session.ready()),
                    text(endpoint));
            try {
                session.ready().get();
                lastWorked = endpoint;
                return session;
            } catch (ExecutionException e) {
                session.close();
                attempts.failed(endpoint, e.getCause(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                session.close();
                throw new ReceiverFailure(ReceiverFailure.Kind.BROKEN, "interrupted");
            }
        }
    }

    /** A lookup that failed fails the try at once, as a refused connection would; there is no channel then. */
    private Channel connect(Endpoint endpoint, int timeoutMillis, ChannelHandler handler,
            CompletableFuture<?> failures) {
        if (endpoint.lookupFailure() != null) {
            failures.completeExceptionally(endpoint.lookupFailure());
            return null;
        }
        return new Bootstrap().group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .attr(Exchange.OUTCOME, failures)
                .attr(RECEIVER, text(endpoint))
                .handler(new AgentChannelInitializer(tls, endpoint.host(), endpoint.port(), handler))
                .connect(endpoint.socketAddress())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        failures.completeExceptionally(f.cause());
                    }
                })
                .channel();
    }

    /** How failures name the receiver: as configured when there is one, else the address tried. */
    private String text(Endpoint endpoint) {
        return receivers.size() == 1 && !endpoint.several() ? receivers.text() : endpoint.text();
    }

    /**
     * One exchange's way through the receivers, within one deadline. Only a receiver that could not be asked is left
     * for the next: an answer (STORED, ALREADY_STORED, CONFLICT, NOT_FOUND, a refusal of the file or of our
     * certificate) is final and never asked again elsewhere. Receivers sharing a bucket would mostly agree, but one
     * configured apart (another bucket, an old release) could turn a CONFLICT into STORED or a NOT_FOUND into a
     * segment found, and during recovery such a wrong answer loses data: the archive would end early, or a different
     * history would be replayed.
     */
    private final class Attempts {

        private final FailoverOrder order = new FailoverOrder(receivers, lastWorked, InetAddress::getAllByName);
        private final long deadline = System.nanoTime() + FAILOVER_DEADLINE_NANOS;
        private final List<String> tried = new ArrayList<>();

        Endpoint next() {
            return order.next();
        }

        boolean hasNext() {
            return order.hasNext();
        }

        /** The connect timeout as today, shortened so that no try outlasts the exchange's deadline. */
        int connectTimeoutMillis() {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            return (int) Math.max(1, Math.min(CONNECT_TIMEOUT_MILLIS, left));
        }

        /** Returns when the next receiver is to be tried; throws what the caller reports when none is. */
        void failed(Endpoint endpoint, Throwable cause, boolean answered) throws ReceiverFailure {
            Throwable root = root(cause);
            Optional<String> why = answered ? Optional.empty() : Unreachable.why(root);
            if (why.isEmpty()) {
                throw describe(root, text(endpoint));
            }
            tried.add(endpoint.text() + " (" + why.get() + ")");
            boolean late = System.nanoTime() - deadline >= 0;
            if (!order.hasNext() || late) {
                if (tried.size() == 1) {
                    throw describe(root, text(endpoint));
                }
                throw new ReceiverFailure(ReceiverFailure.Kind.UNREACHABLE, "no receiver could be asked: "
                        + String.join(", ", tried) + (late && order.hasNext() ? ", then the deadline of "
                        + TimeUnit.NANOSECONDS.toSeconds(FAILOVER_DEADLINE_NANOS) + " s passed" : "")
                        + "; check that 'walship receiver' runs there and the 'receiver' setting in " + config.file());
            }
            LOG.warning("receiver " + endpoint.text() + " unreachable (" + why.get() + "); trying "
                    + order.peek().text());
        }
    }

    private static Throwable root(Throwable cause) {
        return cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    }

    ReceiverFailure describe(Throwable cause, String receiverText) {
        Throwable root = root(cause);
        String receiver = "receiver " + receiverText;
        if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof UnresolvedAddressException
                || root instanceof io.netty.channel.ConnectTimeoutException) {
            return new ReceiverFailure(ReceiverFailure.Kind.UNREACHABLE, "cannot connect to " + receiver + " ("
                    + Unreachable.message(root) + "); check that 'walship receiver' runs there and the 'receiver' "
                    + "setting in " + config.file());
        }
        if (root instanceof SSLException tls) {
            return tlsFailure(receiver, tls);
        }
        if (root instanceof ClosedChannelException) {
            // Netty's own exception carries no message worth showing (StacklessClosedChannelException).
            return new ReceiverFailure(ReceiverFailure.Kind.BROKEN, receiver + " closed the connection before it "
                    + "answered (stopped or restarted?); nothing was acknowledged, try again");
        }
        return new ReceiverFailure(ReceiverFailure.Kind.BROKEN, "the exchange with " + receiver + " failed: "
                + Unreachable.message(root) + "; see the receiver's log");
    }

    /**
     * Our trust manager's words when we refused the receiver's certificate; when it refused ours, what our own
     * certificate shows against our ca_file (the receiver only sends an alert), else what the alert says. A key
     * that does not belong to cert_file is only checked here on BoringSSL, which refuses such a pair itself.
     */
    private ReceiverFailure tlsFailure(String receiver, SSLException tls) {
        String failed = "TLS with " + receiver + " failed: ";
        Optional<String> refused = TlsFailure.refusedPeerCertificate(tls);
        if (refused.isPresent()) {
            return new ReceiverFailure(ReceiverFailure.Kind.TLS, failed + refused.get());
        }
        Optional<String> mismatch = OwnCertificate.keyMismatch(config.certFile(), config.keyFile());
        if (mismatch.isPresent()) {
            return new ReceiverFailure(ReceiverFailure.Kind.SETUP, "cannot use the TLS files named in " + config.file()
                    + ": " + mismatch.get());
        }
        Optional<TlsAlert> alert = TlsFailure.receivedAlert(tls);
        if (alert.isEmpty() || !alert.get().aboutOurCertificate()) {
            return new ReceiverFailure(ReceiverFailure.Kind.TLS, failed + TlsFailure.messages(tls) + "; check that "
                    + "cert_file and key_file in " + config.file() + " were issued by the receiver's CA and that "
                    + "ca_file is the CA that issued the receiver's certificate for this host");
        }
        return new ReceiverFailure(ReceiverFailure.Kind.TLS, failed + "the receiver refused this agent's certificate: "
                + OwnCertificate.problem(config.certFile(), config.caFile(), CertificateRole.CLIENT).orElseGet(() ->
                "alert " + alert.get() + " (" + alert.get().meaning() + "), yet cert_file " + config.certFile()
                        + " is valid and was issued by ca_file " + config.caFile() + "; the receiver's ca_file must be "
                        + "that CA too, see the receiver's log for the cause"));
    }

    @Override
    public void close() {
        Future<?> done = group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        done.syncUninterruptibly();
    }
}
