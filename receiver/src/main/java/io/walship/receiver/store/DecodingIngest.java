package io.walship.receiver.store;

import io.walship.protocol.BadEncodingException;
import io.walship.protocol.ZstdFrameDecoder;
import io.walship.wal.WalFileName;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * An upload that came as one zstd frame: decoded as it arrives, its plain bytes go to {@code plain}, which checks
 * and stores them as it would a plain upload's (and, where it keeps the client's frame, gets the bytes as sent
 * first). A frame that does not decode to one whole file of the announced size is refused, nothing stored.
 */
public final class DecodingIngest implements Ingest {

    private final Ingest plain;
    private final WalFileName name;
    private final ZstdFrameDecoder decoder;

    public DecodingIngest(Ingest plain, WalFileName name, long size) {
        this.plain = plain;
        this.name = name;
        this.decoder = new ZstdFrameDecoder(size);
    }

    @Override
    public void write(ByteBuffer encoded) throws IngestException {
        plain.asSent(encoded.duplicate());
        decoder.feed(encoded);
        try {
            for (ByteBuffer piece = decoder.next(); piece != null; piece = decoder.next()) {
                plain.write(piece);
            }
        } catch (BadEncodingException e) {
            throw refused(e);
        }
    }

    @Override
    public CompletionStage<Outcome> finish(int crc32c) throws IngestException {
        try {
            decoder.finish();
        } catch (BadEncodingException e) {
            plain.abort();
            throw refused(e);
        } finally {
            decoder.close();
        }
        return plain.finish(crc32c);
    }

    @Override
    public void abort() {
        decoder.close();
        plain.abort();
    }

    private IngestException refused(BadEncodingException e) {
        return IngestException.rejected(Rejection.BAD_ENCODING, "the upload of " + name.name() + " was sent "
                + "zstd-compressed, but " + e.getMessage() + "; nothing was stored. Retry; if it happens again, "
                + "set wire_compression = none in the agent's configuration and report it");
    }
}
