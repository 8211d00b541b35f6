package io.walship.receiver.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.WalStore;
import io.walship.wal.WalFileName;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An upload, PUT then its DATA frames then END, fed into the store as it arrives, and its one reply. When the
 * upload is refused or fails before its END, the frames still to come are skipped, so that the connection stays
 * usable for the next file; until then no other message may come. A broken protocol or a failed connection
 * drops the upload at once, and nothing after it is taken.
 */
final class UploadHandler extends SimpleChannelInboundHandler<Object> {

    private final WalStore store;
    private final Admission admission;
    private final ReceiverMetrics metrics;
    /** The server the current upload is for, and when its PUT arrived: what its reply is counted under. */
    private String server;
    private long started;
    private Ingest ingest;
    private boolean skipping;
    private boolean broken;
    /** The last upload is being stored and indexed; its reply is still to come. */
    private boolean committing;
    /** A read completed while {@link #committing}; passed on once the reply is out. */
    private boolean readsHeld;
    /** What broke the connection while {@link #committing}; passed on once the reply is out. */
    private Throwable failureHeld;

    /** The client whose upload holds a slot of {@link Admission}, until its reply or the end of the connection. */
    private String admitted;
    private long lastData;
    private ScheduledFuture<?> idleCheck;

    UploadHandler(WalStore store, Admission admission, ReceiverMetrics metrics) {
        this.store = store;
        this.admission = admission;
        this.metrics = metrics;
    }

    /** Uploads and their frames; while one is under way, everything; after a broken protocol, everything. */
    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof Put || msg instanceof Data || msg instanceof End
                || msg instanceof Refused r && r.request() instanceof Put || uploading() || broken;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (broken) {
            return;
        }
        if (uploading() && !(msg instanceof Data || msg instanceof End)) {
            throw new ProtocolViolation(interruption(msg instanceof Refused refused ? refused.request() : msg));
        }
        switch (msg) {
            case Put put -> begin(ctx, put);
            case Refused refused -> {
                counting((Put) refused.request());
                skip(ctx, refused.outcome());
            }
            case Data data -> write(ctx, data);
            case End end -> finish(ctx, end);
            default -> throw new IllegalStateException("not an upload: " + msg);
        }
    }

    private boolean uploading() {
        return ingest != null || skipping || committing;
    }

    private String interruption(Object msg) {
        return switch (msg) {
            case Put put when committing -> "PUT before the reply to the previous upload";
            case Get get when committing -> "GET before the reply to the previous upload";
            case Put put -> "PUT while another upload is in progress";
            case Get get -> "GET while an upload is in progress";
            default -> "unexpected " + msg.getClass().getSimpleName() + " message";
        };
    }

    private void counting(Put put) {
        server = put.server();
        started = System.nanoTime();
    }

    private void begin(ChannelHandlerContext ctx, Put put) {
        counting(put);
        String client = ClientName.of(ctx);
        Optional<String> busy = admission.admitUpload(client);
        if (busy.isPresent()) {
            skip(ctx, new Outcome(ReplyCode.BUSY, put.name() + ": " + busy.get()));
            return;
        }
        admitted = client;
        try {
            ingest = store.begin(put.server(), WalFileName.parse(put.name()), put.size(), put.mtimeNanos(),
                    put.encoding());
            watchIdle(ctx);
        } catch (IllegalArgumentException e) {
            skip(ctx, Outcome.rejected(Rejection.BAD_NAME, e.getMessage()));
        } catch (IngestException e) {
            skip(ctx, e.outcome());
        }
    }

    /**
     * An upload holds a slot and its temp file; one whose client stopped sending (hung, or holding slots on
     * purpose) is dropped after upload_idle_timeout rather than only the much longer read timeout.
     */
    private void watchIdle(ChannelHandlerContext ctx) {
        lastData = System.nanoTime();
        long timeout = admission.limits().uploadIdleTimeout().toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(250), timeout / 4);
        idleCheck = ctx.executor().scheduleAtFixedRate(() -> {
            if (ingest != null && System.nanoTime() - lastData > timeout) {
                abort();
                broken = true;
                reply(ctx, new Outcome(ReplyCode.FAILED, "the upload sent nothing for "
                        + admission.limits().uploadIdleTimeout().toSeconds() + " s (upload_idle_timeout); the "
                        + "receiver dropped it and closes the connection, retry"));
                ctx.close();
            }
        }, period, period, TimeUnit.NANOSECONDS);
    }

    private void stopWatchingIdle() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
    }

    private void write(ChannelHandlerContext ctx, Data data) {
        if (ingest == null && !skipping) {
            throw new ProtocolViolation("DATA without PUT");
        }
        // The bytes of a refused upload arrived all the same.
        metrics.received(server, data.content().readableBytes());
        if (skipping) {
            return;
        }
        lastData = System.nanoTime();
        try {
            ingest.write(data.content().nioBuffer());
        } catch (IngestException e) {
            abort();
            skip(ctx, e.outcome());
        }
    }

    private void finish(ChannelHandlerContext ctx, End end) {
        if (skipping) {
            skipping = false;
            return;
        }
        if (ingest == null) {
            throw new ProtocolViolation("END without PUT");
        }
        Ingest finishing = ingest;
        ingest = null;
        stopWatchingIdle();
        CompletionStage<Outcome> stored;
        try {
            stored = finishing.finish(end.crc32c());
        } catch (IngestException e) {
            reply(ctx, e.outcome());
            return;
        }
        // The store indexes the file on a thread of its own (it may wait for Barman's lock); until it answers,
        // nothing more is read from this client, and this thread serves other connections.
        committing = true;
        stored.whenComplete((outcome, failure) -> ctx.executor().execute(() -> committed(ctx, outcome, failure)));
    }

    private void committed(ChannelHandlerContext ctx, Outcome outcome, Throwable failure) {
        committing = false;
        reply(ctx, failure == null ? outcome : new Outcome(ReplyCode.FAILED, "the receiver failed storing the "
                + "file (" + failure + "); retry, and see the receiver's log if it happens again"));
        if (failureHeld != null) {
            Throwable broke = failureHeld;
            failureHeld = null;
            ctx.fireExceptionCaught(broke);
        } else if (readsHeld) {
            readsHeld = false;
            ctx.fireChannelReadComplete();
        }
    }

    /** While the store indexes a file, the next read waits (see {@link PacedReads}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (committing) {
            readsHeld = true;
        } else {
            ctx.fireChannelReadComplete();
        }
    }

    /** Answers the upload now and skips the rest of its frames. */
    private void skip(ChannelHandlerContext ctx, Outcome outcome) {
        skipping = true;
        reply(ctx, outcome);
    }

    /** The one reply of an upload, which gives back its slot and is counted. */
    private void reply(ChannelHandlerContext ctx, Outcome outcome) {
        release();
        metrics.answered(server, outcome, System.nanoTime() - started);
        ctx.writeAndFlush(new Reply(outcome.code(), outcome.message()));
    }

    private void abort() {
        stopWatchingIdle();
        if (ingest != null) {
            ingest.abort();
            ingest = null;
        }
        // A file being stored keeps its slot until its commit is answered, connection or not.
        if (!committing) {
            release();
        }
    }

    private void release() {
        if (admitted != null) {
            admission.releaseUpload(admitted);
            admitted = null;
        }
    }

    /** A connection that breaks off mid-upload leaves no temp file behind. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abort();
        ctx.fireChannelInactive();
    }

    /**
     * A broken protocol (thrown here or found before), a TLS failure, a timeout: the connection is done for. The
     * upload under way is dropped at once, before the frames read after it could complete the file, and nothing
     * after this is taken. An upload already being stored is answered first: the answer to the failure closes the
     * connection.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abort();
        skipping = false;
        broken = true;
        if (committing) {
            if (failureHeld == null) {
                failureHeld = cause;
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
