package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.config.WireCompression;
import io.walship.protocol.Capabilities;
import io.walship.protocol.WireEncoding;
import org.junit.jupiter.api.Test;

class UploadEncodingsTest {

    private static final long TAKES_ZSTD = Capabilities.CURRENT;
    private static final long PLAIN_ONLY = Capabilities.CHECK;

    @Test
    void sharedCompressesOneUploadAtATimeAndSendsTheOthersPlain() {
        UploadEncodings encodings = new UploadEncodings(WireCompression.SHARED);

        UploadEncodings.Choice first = encodings.choose(TAKES_ZSTD);
        UploadEncodings.Choice second = encodings.choose(TAKES_ZSTD);
        UploadEncodings.Choice third = encodings.choose(TAKES_ZSTD);

        assertEquals(WireEncoding.ZSTD, first.encoding());
        assertEquals(WireEncoding.PLAIN, second.encoding());
        assertEquals(WireEncoding.PLAIN, third.encoding());

        second.close();
        assertEquals(WireEncoding.PLAIN, encodings.choose(TAKES_ZSTD).encoding(), "a plain upload holds no slot");
        first.close();
        try (UploadEncodings.Choice next = encodings.choose(TAKES_ZSTD)) {
            assertEquals(WireEncoding.ZSTD, next.encoding(), "the compressed upload's end frees its slot");
        }
        assertEquals(WireEncoding.ZSTD, encodings.choose(TAKES_ZSTD).encoding());
    }

    @Test
    void sharedSendsPlainToAReceiverThatTakesNoZstdAndHoldsNoSlotForIt() {
        UploadEncodings encodings = new UploadEncodings(WireCompression.SHARED);

        assertEquals(WireEncoding.PLAIN, encodings.choose(PLAIN_ONLY).encoding());
        assertEquals(WireEncoding.ZSTD, encodings.choose(TAKES_ZSTD).encoding());
    }

    @Test
    void zstdCompressesEveryUploadTheReceiverTakesAndNoneNone() {
        UploadEncodings zstd = new UploadEncodings(WireCompression.ZSTD);
        UploadEncodings none = new UploadEncodings(WireCompression.NONE);

        for (int i = 0; i < 3; i++) {
            assertEquals(WireEncoding.ZSTD, zstd.choose(TAKES_ZSTD).encoding());
            assertEquals(WireEncoding.PLAIN, zstd.choose(PLAIN_ONLY).encoding());
            assertEquals(WireEncoding.PLAIN, none.choose(TAKES_ZSTD).encoding());
        }
    }
}
