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
import io.netty.util.concurrent.Future;
import io.walship.agent.config.AgentConfig;
import io.walship.protocol.CertificateRole;
import io.walship.protocol.OwnCertificate;
import io.walship.protocol.TlsAlert;
import io.walship.protocol.TlsContexts;
import io.walship.protocol.TlsFailure;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Mutual-TLS connections to the configured receiver: {@link Exchange}s, each on a fresh connection or, with
 * {@code reuse}, on one an earlier exchange left warm (a long-running read-ahead then pays the TLS handshake, and
 * its certificate checks, once per connection instead of once per file); or long-lived upload sessions.
 */
public final class ReceiverClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** The pipeline's name of the exchange, which a warm connection's next exchange replaces. */
    static final String CONVERSATION = "conversation";

    private final AgentConfig config;
    private final SslContext tls;
    private final EventLoopGroup group;
    private final boolean reuse;
    /** Connections whose exchange ended cleanly, each waiting for the next; at most one per concurrent exchange. */
    private final Queue<Channel> warm = new ConcurrentLinkedQueue<>();

    public ReceiverClient(AgentConfig config, int threads, boolean reuse) throws ReceiverFailure {
        this.config = config;
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
                            throw e;
                        }
                        exchange.restart();
                    }
                }
            }
            connect(exchange, exchange.result);
            return exchange.result.get();
        } catch (ExecutionException e) {
            throw describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReceiverFailure(ReceiverFailure.Kind.BROKEN, "interrupted");
        } finally {
            exchange.cleanUp();
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
            channel.pipeline().replace(CONVERSATION, CONVERSATION, exchange);
            exchange.resume(channel.pipeline().context(exchange), previous.welcome());
        });
    }

    /** Opens a connection for many requests, one after another. */
    public ReceiverSession openSession() throws ReceiverFailure {
        ReceiverSession session = new ReceiverSession(this);
        session.attach(connect(session.handler(), session.ready()));
        session.awaitReady();
        return session;
    }

    private Channel connect(ChannelHandler handler, CompletableFuture<?> failures) {
        String host = config.receiver().getHostString();
        int port = config.receiver().getPort();
        return new Bootstrap().group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new AgentChannelInitializer(tls, host, port, handler))
                .connect(host, port)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        failures.completeExceptionally(f.cause());
                    }
                })
                .channel();
    }

    ReceiverFailure describe(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String receiver = "receiver " + config.receiverText();
        if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof UnresolvedAddressException
                || root instanceof io.netty.channel.ConnectTimeoutException) {
            return new ReceiverFailure(ReceiverFailure.Kind.UNREACHABLE, "cannot connect to " + receiver + " ("
                    + message(root) + "); check that 'walship receiver' runs there and the 'receiver' setting in "
                    + config.file());
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
                + message(root) + "; see the receiver's log");
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

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        Future<?> done = group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        done.syncUninterruptibly();
    }
}
