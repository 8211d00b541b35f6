package io.walship.agent.daemon;

import io.walship.agent.config.WireCompression;
import io.walship.protocol.WireEncoding;
import java.util.concurrent.Semaphore;

/**
 * Chooses the encoding of each of the agent's uploads. With {@code wire_compression = shared}, one upload at a
 * time is compressed here and those started meanwhile go plain, for the receiver to compress: on a backlog both
 * hosts' CPUs work on it, so that neither alone bounds the drain, and this host spends at most one core on it.
 */
final class UploadEncodings {

    /** One upload's encoding; closing it frees the compression slot where it held it. */
    record Choice(WireEncoding encoding, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    private final WireCompression mode;
    private final Semaphore compressing = new Semaphore(1);

    UploadEncodings(WireCompression mode) {
        this.mode = mode;
    }

    /** The next upload's encoding, from what the receiver's WELCOME said it takes. */
    Choice choose(long receiverCapabilities) {
        WireEncoding allowed = mode.allowed(receiverCapabilities);
        if (mode != WireCompression.SHARED || allowed == WireEncoding.PLAIN) {
            return new Choice(allowed, () -> { });
        }
        if (compressing.tryAcquire()) {
            return new Choice(WireEncoding.ZSTD, compressing::release);
        }
        return new Choice(WireEncoding.PLAIN, () -> { });
    }
}
