package io.walship.agent.push;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.walship.agent.config.AgentConfig;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.TlsContexts;
import io.walship.protocol.WireCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Sends one file to the receiver over a fresh TLS connection and returns its reply. */
public final class PushClient {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Neither a byte in nor a byte out for this long means the receiver is stuck. */
    private static final int IDLE_SECONDS = 120;

    private final AgentConfig config;

    public PushClient(AgentConfig config) {
        this.config = config;
    }

    public Reply push(Path file, Put put) throws PushFailure {
        SslContext tls;
        try {
            tls = TlsContexts.agent(config.certFile(), config.keyFile(), config.caFile());
        } catch (SSLException | IllegalArgumentException e) {
            throw new PushFailure(ExitCodes.USAGE, "cannot load the TLS files named in " + config.file()
                    + " (cert_file, key_file, ca_file): " + e.getMessage());
        }
        FileChunks chunks;
        try {
            chunks = new FileChunks(file, put.size());
        } catch (IOException e) {
            throw new PushFailure(ExitCodes.FAILURE, "cannot read " + file + ": " + e.getMessage());
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        String host = config.receiver().getHostString();
        int port = config.receiver().getPort();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            new Bootstrap().group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("tls", tls.newHandler(ch.alloc(), host, port));
                            p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS));
                            WireCodec.addTo(p);
                            p.addLast("chunks", new ChunkedWriteHandler());
                            p.addLast("push", new PushHandler(put, chunks, result));
                        }
                    })
                    .connect(host, port)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            result.completeExceptionally(f.cause());
                        }
                    });
            return result.get();
        } catch (ExecutionException e) {
            throw describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushFailure(ExitCodes.FAILURE, "interrupted while sending " + put.name());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            try {
                chunks.close();
            } catch (IOException e) {
                // the outcome is already decided; a close error on a read-only file changes nothing
            }
        }
    }

    private PushFailure describe(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String receiver = "receiver " + config.receiverText();
        if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof UnresolvedAddressException
                || root instanceof io.netty.channel.ConnectTimeoutException) {
            return new PushFailure(ExitCodes.UNREACHABLE, "cannot connect to " + receiver + " ("
                    + message(root) + "); check that 'walship receiver' runs there and the 'receiver' "
                    + "setting in " + config.file());
        }
        if (root instanceof SSLException) {
            return new PushFailure(ExitCodes.TLS, "TLS with " + receiver + " failed (" + message(root)
                    + "); check that cert_file and key_file in " + config.file() + " were issued by the "
                    + "receiver's CA and that ca_file is the CA that issued the receiver's certificate for this host");
        }
        return new PushFailure(ExitCodes.RECEIVER_ERROR, "transfer to " + receiver + " failed: " + message(root)
                + "; see the receiver's log");
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
