package io.walship.receiver.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.walship.protocol.WireCodec;
import io.walship.receiver.config.ArchiveReader;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.WalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's side of one connection. On the event loop: TLS, the read timeout, the frame codec and the
 * version handshake. On the ingest pool, where uploads and downloads write, fsync and read files, so that no
 * event loop ever waits on a disk, and the handlers around them see each event in order on one thread: the
 * access log, chunked downloads, authorization of each request, uploads and downloads, reads paced to the work
 * (this one on the event loop) and the one place that turns what went wrong into a reply and a log line.
 */
final class ReceiverChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final SslContext tls;
    private final EventExecutorGroup ingestPool;
    private final WalStore store;
    private final ConfiguredServers servers;
    private final Path configFile;
    private final ChannelGroup connections;
    private final Admission admission;
    private final ArchiveReader barman;
    private final ReceiverMetrics metrics;
    private final RateLimitedLog refusedFloods = new RateLimitedLog(ReceiverChannelInitializer.class,
            Duration.ofMinutes(1));

    /** Every connection joins {@code connections}, which the server closes first when it stops. */
    ReceiverChannelInitializer(SslContext tls, EventExecutorGroup ingestPool, WalStore store,
            ConfiguredServers servers, Path configFile, ChannelGroup connections, Admission admission,
            ReceiverMetrics metrics, ArchiveReader barman) {
        this.tls = tls;
        this.ingestPool = ingestPool;
        this.store = store;
        this.servers = servers;
        this.configFile = configFile;
        this.connections = connections;
        this.admission = admission;
        this.barman = barman;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!admission.acceptsHandshakes(connections.size())) {
            // A flood: closed before TLS costs anything. Below this, connections past the limit get a BUSY reply.
            refusedFloods.warn(() -> "closing new connections before their TLS handshake: " + connections.size()
                    + " are open, twice max_connections");
            ch.close();
            return;
        }
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("tls", tls.newHandler(ch.alloc()));
        p.addLast("timeout", new ReadTimeoutHandler(ReceiverServer.READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        WireCodec.addTo(p);
        p.addLast("handshake", new HandshakeHandler(admission, metrics));
        // Before the chunked writer, so that a reply ending a download half way is logged too.
        p.addLast(ingestPool, "access-log", new AccessLog());
        p.addLast(ingestPool, "chunks", new ChunkedWriteHandler());
        p.addLast(ingestPool, "authorize", new AuthorizeHandler(servers, configFile));
        p.addLast(ingestPool, "upload", new UploadHandler(store, admission, metrics));
        p.addLast(ingestPool, "download", new DownloadHandler(store, metrics));
        p.addLast(ingestPool, "check", new CheckHandler(store, servers, barman));
        // On the event loop, so that a new connection's first read never waits for an ingest thread.
        p.addLast("paced-reads", new PacedReads());
        p.addLast(ingestPool, "failures", new FailureHandler(metrics));
    }
}
