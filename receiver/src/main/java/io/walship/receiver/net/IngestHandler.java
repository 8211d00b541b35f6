package io.walship.receiver.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Message;
import io.walship.protocol.PeerIdentity;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WalFileName;
import io.walship.receiver.config.ServerPolicy;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.WalStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Business end of a connection: authorizes every request, feeds uploads into the store and replies.
 * Runs on the ingest pool, not the event loop, because it writes and fsyncs files; it asks for the next
 * read only once the previous batch is handled, which bounds what a fast client can queue.
 */
final class IngestHandler extends SimpleChannelInboundHandler<Message> {

    private static final Logger LOG = Logger.getLogger(IngestHandler.class.getName());

    private final WalStore store;
    private final Map<String, ServerPolicy> policies;
    private final Path configFile;
    private Ingest ingest;
    private String current;
    private long started;
    private boolean discarding;

    IngestHandler(WalStore store, Map<String, ServerPolicy> policies, Path configFile) {
        this.store = store;
        this.policies = policies;
        this.configFile = configFile;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message message) {
        switch (message) {
            case Put put -> onPut(ctx, put);
            case Data data -> onData(ctx, data);
            case End end -> onEnd(ctx, end);
            case Get get -> onGet(ctx, get);
            default -> protocolError(ctx, "unexpected " + message.getClass().getSimpleName() + " message");
        }
    }

    private void onPut(ChannelHandlerContext ctx, Put put) {
        if (ingest != null || discarding) {
            protocolError(ctx, "PUT while another upload is in progress");
            return;
        }
        Optional<String> refusal = authorize(ctx, put.server(), put.name());
        if (refusal.isPresent()) {
            refuse(ctx, refusal.get());
            return;
        }
        try {
            ingest = store.begin(put.server(), WalFileName.parse(put.name()), put.size(), put.mtimeNanos());
        } catch (IllegalArgumentException e) {
            refuse(ctx, e.getMessage());
        } catch (IngestException e) {
            discarding = true;
            reply(ctx, new Outcome(e.code(), e.getMessage()));
        }
    }

    /** Sends a stored file back: FOUND, its plain bytes, END; or NOT_FOUND, or why not. */
    private void onGet(ChannelHandlerContext ctx, Get get) {
        if (ingest != null || discarding) {
            protocolError(ctx, "GET while an upload is in progress");
            return;
        }
        Optional<String> refusal = authorize(ctx, get.server(), get.name());
        if (refusal.isPresent()) {
            reply(ctx, new Outcome(ReplyCode.REJECTED, refusal.get()));
            return;
        }
        Optional<InputStream> plain;
        try {
            plain = store.openPlain(get.server(), WalFileName.parse(get.name()));
        } catch (IllegalArgumentException e) {
            reply(ctx, new Outcome(ReplyCode.REJECTED, e.getMessage()));
            return;
        } catch (IngestException e) {
            reply(ctx, new Outcome(e.code(), e.getMessage()));
            return;
        }
        if (plain.isEmpty()) {
            reply(ctx, new Outcome(ReplyCode.NOT_FOUND, get.name() + " is not in the archive of server '"
                    + get.server() + "'"));
            return;
        }
        reply(ctx, new Outcome(ReplyCode.FOUND, "sending " + get.name()));
        ctx.writeAndFlush(new PlainChunks(get.server() + "/" + get.name(), plain.get()));
    }

    /** Every request is checked on its own: a connection authorized for one server gets nothing else. */
    private Optional<String> authorize(ChannelHandlerContext ctx, String server, String name) {
        String client = client(ctx);
        current = client + " -> " + server + "/" + name;
        started = System.nanoTime();
        ServerPolicy policy = policies.get(server);
        if (policy == null) {
            return Optional.of("the receiver has no server '" + server + "'; check the agent's 'server' setting "
                    + "or add a [" + server + "] section to " + configFile);
        }
        if (!policy.allows(client)) {
            return Optional.of("certificate '" + client + "' is not authorized for server '" + server
                    + "'; add it to clients in [" + server + "] of " + configFile
                    + " or use this server's agent certificate");
        }
        return Optional.empty();
    }

    private void onData(ChannelHandlerContext ctx, Data data) {
        if (discarding) {
            return;
        }
        if (ingest == null) {
            protocolError(ctx, "DATA without PUT");
            return;
        }
        try {
            ingest.write(data.content().nioBuffer());
        } catch (IngestException e) {
            ingest.abort();
            ingest = null;
            discarding = true;
            reply(ctx, new Outcome(e.code(), e.getMessage()));
        }
    }

    private void onEnd(ChannelHandlerContext ctx, End end) {
        if (discarding) {
            discarding = false;
            return;
        }
        if (ingest == null) {
            protocolError(ctx, "END without PUT");
            return;
        }
        Outcome outcome;
        try {
            outcome = ingest.finish(end.crc32c());
        } catch (IngestException e) {
            outcome = new Outcome(e.code(), e.getMessage());
        }
        ingest = null;
        reply(ctx, outcome);
    }

    /** Refuses the upload just announced and skips its data, keeping the connection usable. */
    private void refuse(ChannelHandlerContext ctx, String why) {
        discarding = true;
        reply(ctx, new Outcome(ReplyCode.REJECTED, why));
    }

    private void reply(ChannelHandlerContext ctx, Outcome outcome) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        String line = outcome.code() + " " + current + " (" + millis + " ms): " + outcome.message();
        if (outcome.code().isArchived() || outcome.code() == ReplyCode.FOUND
                || outcome.code() == ReplyCode.NOT_FOUND) {
            LOG.info(line);
        } else {
            LOG.warning(line);
        }
        ctx.writeAndFlush(new Reply(outcome.code(), outcome.message()));
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        LOG.warning("protocol error from " + client(ctx) + " at " + ctx.channel().remoteAddress() + ": " + why);
        abortIngest();
        ctx.writeAndFlush(new Reply(ReplyCode.REJECTED, "protocol error: " + why))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String client(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return PeerIdentity.commonName(tls.engine().getSession()).orElse("(no certificate name)");
    }

    private void abortIngest() {
        if (ingest != null) {
            ingest.abort();
            ingest = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abortIngest();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof javax.net.ssl.SSLException) {
            LOG.warning("TLS with " + ctx.channel().remoteAddress() + " failed: " + root.getMessage());
            abortIngest();
            ctx.close();
            return;
        }
        if (cause instanceof DecoderException) {
            protocolError(ctx, root.getMessage());
            return;
        }
        LOG.warning("connection " + ctx.channel().remoteAddress() + " failed: " + root);
        abortIngest();
        ctx.close();
    }
}
