package io.walship.agent.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.walship.agent.config.FetchCompression;
import io.walship.agent.net.Exchange;
import io.walship.protocol.BadEncodingException;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Message;
import io.walship.protocol.Reply;
import io.walship.protocol.ZstdFrameDecoder;
import io.walship.wal.WalHeaderCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * One download: GET, then FOUND, the plain bytes and END with their CRC-32C, written to {@code target}; or, where
 * the receiver stores the file as zstd and both ends may, FOUND_ZSTD and the stored frame, decoded here as it
 * arrives. Either way the plain bytes written are held against END's checksum.
 */
final class FetchExchange extends Exchange<FetchResult> {

    private static final Logger LOG = Logger.getLogger(FetchExchange.class.getName());

    private final String server;
    private final String name;
    private final FetchCompression compression;
    private final Path target;
    private final CRC32C crc = new CRC32C();
    private FileChannel out;
    /** Set while the answer is a zstd frame to decode. */
    private ZstdFrameDecoder decoder;
    private long written;

    FetchExchange(String server, String name, FetchCompression compression, Path target) {
        this.server = server;
        this.name = name;
        this.compression = compression;
        this.target = target;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new Get(server, name, compression.accepted(welcome().capabilities())));
    }

    @Override
    protected void receive(ChannelHandlerContext ctx, Message message) throws IOException {
        switch (message) {
            case Reply reply when out == null -> onAnswer(ctx, reply);
            case Reply reply -> complete(ctx, FetchResult.of(FetchResult.Status.DAMAGED, reply.message()));
            case Data data when out != null -> receive(ctx, data.content());
            case End end when out != null -> onEnd(ctx, end);
            default -> fail(ctx, new IOException("unexpected " + message.getClass().getSimpleName()
                    + " from the receiver"));
        }
    }

    private void onAnswer(ChannelHandlerContext ctx, Reply reply) throws IOException {
        switch (reply.code()) {
            case FOUND -> out = open();
            case FOUND_ZSTD -> {
                out = open();
                // No file walship archives is larger than a segment can be: a frame that expands past it is damage.
                decoder = new ZstdFrameDecoder(WalHeaderCheck.MAX_SEGMENT);
            }
            case NOT_FOUND -> complete(ctx, FetchResult.of(FetchResult.Status.NOT_FOUND, reply.message()));
            case FAILED, REJECTED, BUSY -> complete(ctx, FetchResult.of(FetchResult.Status.REFUSED, reply.message()));
            default -> complete(ctx, FetchResult.of(FetchResult.Status.DAMAGED, reply.message()));
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private void receive(ChannelHandlerContext ctx, ByteBuf content) throws IOException {
        if (decoder == null) {
            write(content.nioBuffer());
            return;
        }
        decoder.feed(content.nioBuffer());
        try {
            for (ByteBuffer plain = decoder.next(); plain != null; plain = decoder.next()) {
                write(plain);
            }
        } catch (BadEncodingException e) {
            completeEarly(ctx, damaged(e));
        }
    }

    private void write(ByteBuffer plain) throws IOException {
        crc.update(plain.duplicate());
        while (plain.hasRemaining()) {
            written += out.write(plain, written);
        }
    }

    private void onEnd(ChannelHandlerContext ctx, End end) {
        if (decoder != null) {
            try {
                decoder.finish();
            } catch (BadEncodingException e) {
                complete(ctx, damaged(e));
                return;
            }
        }
        complete(ctx, (int) crc.getValue() == end.crc32c()
                ? new FetchResult(FetchResult.Status.FETCHED, written + " bytes", 0)
                : FetchResult.of(FetchResult.Status.DAMAGED, name + " arrived with a checksum mismatch; it was "
                        + (decoder != null ? "damaged at rest or in transit" : "damaged in transit")));
    }

    private FetchResult damaged(BadEncodingException e) {
        return FetchResult.of(FetchResult.Status.DAMAGED, "the archived " + name + " is damaged: "
                + e.getMessage());
    }

    @Override
    protected void cleanUp() {
        // Called after each try and once more at the end: whatever it closes is forgotten.
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.fine("closing " + target + ": " + e);
            }
            out = null;
        }
    }
}
