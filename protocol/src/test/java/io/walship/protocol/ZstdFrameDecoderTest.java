package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZstdFrameDecoderTest {

    private static final int SIZE = 3 << 20;

    /** Compressible like WAL: runs of repeated records with random bytes between. */
    private static byte[] plain(long seed, int size) {
        byte[] bytes = new byte[size];
        Random random = new Random(seed);
        for (int at = 0; at < size; at += 4096) {
            int noise = Math.min(512, size - at);
            byte[] part = new byte[noise];
            random.nextBytes(part);
            System.arraycopy(part, 0, bytes, at, noise);
        }
        return bytes;
    }

    private static byte[] frame(byte[] plain) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            return WalZstd.configure(ctx, plain.length).compress(plain);
        }
    }

    /** Feeds {@code encoded} in pieces of {@code piece} bytes, direct or on the heap, and returns what came out. */
    private static byte[] decode(long announced, byte[] encoded, int piece, boolean direct) throws BadEncodingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdFrameDecoder decoder = new ZstdFrameDecoder(announced)) {
            for (int at = 0; at < encoded.length; at += piece) {
                int n = Math.min(piece, encoded.length - at);
                ByteBuffer chunk = direct ? ByteBuffer.allocateDirect(n).put(encoded, at, n).flip()
                        : ByteBuffer.wrap(encoded, at, n);
                decoder.feed(chunk);
                for (ByteBuffer plain = decoder.next(); plain != null; plain = decoder.next()) {
                    byte[] bytes = new byte[plain.remaining()];
                    plain.get(bytes);
                    out.writeBytes(bytes);
                }
            }
            decoder.finish();
        }
        return out.toByteArray();
    }

    @Test
    void aFrameDecodesToItsBytesInAnyPiecesDirectOrOnTheHeap() throws BadEncodingException {
        byte[] plain = plain(1, SIZE);
        byte[] frame = frame(plain);
        assertTrue(frame.length < plain.length / 2, "the test data compresses");

        assertArrayEquals(plain, decode(SIZE, frame, 1 << 20, true));
        assertArrayEquals(plain, decode(SIZE, frame, 1 << 20, false));
        assertArrayEquals(plain, decode(SIZE, frame, 3, false), "the magic split over pieces");
        assertArrayEquals(plain, decode(SIZE, frame, frame.length, true), "one piece");
    }

    @Test
    void aFrameThatExpandsPastTheAnnouncedSizeIsRefusedAtTheFirstByteTooMany() {
        byte[] bomb = frame(new byte[64 << 20]);

        BadEncodingException e = assertThrows(BadEncodingException.class, () -> decode(SIZE, bomb, 1 << 20, true));

        assertTrue(e.getMessage().contains("more than the announced " + SIZE + " bytes"), e.getMessage());
    }

    @Test
    void bytesAfterTheFrameAreRefused() {
        byte[] frame = frame(plain(2, 4096));
        byte[] twoFrames = concat(frame, frame(plain(3, 10)));
        byte[] garbage = concat(frame, new byte[] {1});

        for (byte[] encoded : new byte[][] {twoFrames, garbage}) {
            BadEncodingException e = assertThrows(BadEncodingException.class,
                    () -> decode(1 << 20, encoded, 7, false));
            assertTrue(e.getMessage().contains("after the end of its zstd frame"), e.getMessage());
        }
    }

    @Test
    void anUploadThatEndsInsideTheFrameIsRefused() {
        byte[] frame = frame(plain(4, SIZE));
        for (byte[] cut : new byte[][] {Arrays.copyOf(frame, frame.length - 1), Arrays.copyOf(frame, 2),
                new byte[0]}) {
            BadEncodingException e = assertThrows(BadEncodingException.class, () -> decode(SIZE, cut, 1 << 20, true));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void whatIsNotAZstdFrameIsRefused() {
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0};
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0};
        byte[] damaged = frame(plain(5, SIZE));
        damaged[damaged.length / 2] ^= 0x55;
        damaged[damaged.length / 2 + 1] ^= 0x55;

        for (byte[] encoded : new byte[][] {concat(skippable, frame(plain(6, 100))), gzip}) {
            BadEncodingException e = assertThrows(BadEncodingException.class, () -> decode(SIZE, encoded, 64, false));
            assertTrue(e.getMessage().contains("not a zstd frame"), e.getMessage());
        }
        assertThrows(BadEncodingException.class, () -> decode(SIZE, damaged, 1 << 20, true));
    }

    /** A frame may ask for a window of up to 2 GiB; each upload would hold that much. */
    @Test
    void aFrameThatAsksForAWindowPastTheLimitIsRefused() {
        byte[] plain = plain(7, 1 << 20);
        byte[] wide;
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            // Streamed with no size known, the frame's header declares its whole window.
            ctx.setLevel(3).setWindowLog(WalZstd.MAX_WINDOW_LOG + 2);
            ByteBuffer in = ByteBuffer.allocateDirect(plain.length).put(plain).flip();
            ByteBuffer out = ByteBuffer.allocateDirect(2 << 20);
            ctx.compressDirectByteBufferStream(out, in, EndDirective.CONTINUE);
            while (!ctx.compressDirectByteBufferStream(out, in, EndDirective.END)) {
                assertTrue(out.hasRemaining(), "room for the frame");
            }
            wide = new byte[out.flip().remaining()];
            out.get(wide);
        }
        assertTrue(Zstd.getFrameContentSize(wide) < 0, "no content size in the header");

        BadEncodingException e = assertThrows(BadEncodingException.class, () -> decode(1 << 20, wide, 1 << 20, true));

        assertTrue(e.getMessage().contains("does not decode"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
