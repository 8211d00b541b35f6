package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.walship.fuzz.Corpus;
import io.walship.fuzz.Corpus.Seed;
import io.walship.fuzz.Fuzz;
import io.walship.fuzz.Mutator;
import io.walship.fuzz.Mutator.Field;
import io.walship.protocol.WireCodecTest.TrackingAllocator;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the receiving side of {@link WireCodec}: arbitrary bytes and mutations of the seed frames in
 * {@code fuzz/frames}, cut into pieces at arbitrary points. Whatever arrives, the codec may only deliver messages
 * that re-encode to exactly the bytes they came from, or fail with a {@link DecoderException} (of which
 * {@link ProtocolException} is one); it must not allocate for a length it has not checked and must release every
 * buffer. A fixed number of tries with a fixed seed keeps CI runs short and reproducible (see {@link Fuzz}).
 */
class FrameDecoderFuzzTest {

    private static final List<Seed> SEEDS = Corpus.of("frames");
    /** Whole frames spliced into others, and lengths at the edges of {@link Limits}. */
    private static final Mutator MUTATOR = new Mutator(SEEDS.stream().map(Seed::bytes).toList(), tokens())
            .withLengthFields(FrameDecoderFuzzTest::lengthFields, Limits.MAX_NAME, Limits.MAX_MESSAGE,
                    Limits.MAX_CHUNK, Limits.MAX_FRAME);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** What setting up a channel and failing a frame may cost, far below the 1 MiB a trusted length would. */
    private static final long ALLOCATION_ALLOWANCE = 256 << 10;

    static {
        // Loads the classes of every path once, so that class initialisation does not count as allocation.
        for (Seed seed : SEEDS) {
            decodeAndCheck(seed.bytes(), new int[0], false);
        }
        decodeAndCheck(new byte[] {0, 0, 0, 1, 99}, new int[0], false);
        decodeAndCheck(new byte[] {0x7F, 0, 0, 0}, new int[0], false);
    }

    @Test
    void theCodecDeliversValidMessagesOrFailsWithADecodeError() {
        Fuzz.run(7201, 10_000, attempt -> {
            byte[] stream = attempt.input("stream", stream(attempt));
            int[] cuts = attempt.input("cuts", cuts(attempt.random(), stream.length));
            decodeAndCheck(stream, cuts, true);
        });
    }

    @Test
    void everySeedIsTheFrameTheEncoderWritesForItsMessage() {
        Map<String, Supplier<Message>> messages = FrameCorpus.messages();
        assertEquals(messages.keySet().stream().sorted().toList(), SEEDS.stream().map(Seed::name).toList());
        for (Seed seed : SEEDS) {
            assertArrayEquals(FrameCorpus.encode(messages.get(seed.name()).get()), seed.bytes(), seed.name());
        }
    }

    /**
     * Arbitrary bytes; seed frames in a row, the whole row mutated (the frames after an edit mostly fall apart);
     * and seed frames each mutated or not on its own, so that good frames come before and after a broken one.
     */
    private static byte[] stream(Fuzz.Try attempt) {
        RandomGenerator random = attempt.random();
        int frames = 1 + random.nextInt(6);
        ByteArrayOutputStream row = new ByteArrayOutputStream();
        return switch (random.nextInt(7)) {
            case 0 -> Mutator.randomBytes(random, 600);
            case 1, 2, 3 -> {
                for (int i = 0; i < frames; i++) {
                    row.writeBytes(attempt.pick(SEEDS).bytes());
                }
                yield MUTATOR.mutate(random, row.toByteArray(), 4);
            }
            default -> {
                for (int i = 0; i < frames; i++) {
                    byte[] frame = attempt.pick(SEEDS).bytes();
                    row.writeBytes(random.nextInt(3) == 0 ? frame : MUTATOR.mutate(random, frame, 2));
                }
                yield row.toByteArray();
            }
        };
    }

    /** Up to 8 points at which the stream is cut into the buffers that arrive, in order. */
    private static int[] cuts(RandomGenerator random, int length) {
        int[] cuts = new int[random.nextInt(9)];
        Arrays.setAll(cuts, i -> random.nextInt(length + 1));
        Arrays.sort(cuts);
        return cuts;
    }

    /**
     * The length prefixes of the frames in {@code stream}, as far as they lead, and the 2-byte lengths of the
     * strings in the frames that have them: where a changed length tests the decoder's bounds checks.
     */
    private static List<Field> lengthFields(byte[] stream) {
        List<Field> fields = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream);
        int at = 0;
        while (at + Limits.LENGTH_PREFIX <= stream.length) {
            fields.add(new Field(at, Limits.LENGTH_PREFIX));
            int body = at + Limits.LENGTH_PREFIX;
            int length = in.getInt(at);
            if (length < 1 || length > stream.length - body) {
                break;
            }
            int strings = switch (stream[body]) {
                case FrameType.PUT, FrameType.PUT_ENCODED, FrameType.GET -> 2;
                case FrameType.REPLY -> 1;
                default -> 0;
            };
            int string = body + (stream[body] == FrameType.REPLY ? 2 : 1);
            for (int i = 0; i < strings && string + 2 <= body + length; i++) {
                fields.add(new Field(string, 2));
                string += 2 + Short.toUnsignedInt(in.getShort(string));
            }
            at = body + length;
        }
        return fields;
    }

    /** Feeds {@code stream} in pieces cut at {@code cuts} and checks what comes out. */
    private static void decodeAndCheck(byte[] stream, int[] cuts, boolean checkAllocation) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        WireCodec.addTo(channel.pipeline());
        Outcome outcome = new Outcome();
        channel.pipeline().addLast(outcome);
        try {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            feed(channel, alloc, stream, cuts);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            boolean failed = !outcome.failures.isEmpty();
            // Closing hands the decoders what is left; it must not make a message or a failure of another kind.
            channel.finish();
            outcome.failures.forEach(FrameDecoderFuzzTest::assertOnlyDecodeErrors);
            outcome.messages.forEach(FrameDecoderFuzzTest::assertValid);
            int consumed = assertReencodeToTheStart(stream, outcome.beforeFailure());
            if (!failed) {
                assertIncompleteFrame(Arrays.copyOfRange(stream, consumed, stream.length));
            }
            if (checkAllocation) {
                assertTrue(allocated <= ALLOCATION_ALLOWANCE + 16L * stream.length, "decoding " + stream.length
                        + " bytes allocated " + allocated + " bytes on the heap");
                assertTrue(alloc.largestCapacity() <= Math.max(256, 2 * stream.length), "decoding "
                        + stream.length + " bytes allocated a buffer of " + alloc.largestCapacity() + " bytes");
            }
        } finally {
            outcome.messages.forEach(ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
        }
        assertEquals(List.of(), alloc.unreleased(), "buffers still referenced after the channel closed");
    }

    /**
     * What reaches the end of the pipeline, in order. A failure goes to exceptionCaught while the frame decoder
     * carries on with the frames after it (the receiver ignores those), so only the messages before the first
     * failure must match the stream.
     */
    private static final class Outcome extends ChannelInboundHandlerAdapter {

        final List<Object> messages = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        private int beforeFailure = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failures.isEmpty()) {
                beforeFailure = messages.size();
            }
            failures.add(cause);
        }

        List<Object> beforeFailure() {
            return beforeFailure < 0 ? messages : messages.subList(0, beforeFailure);
        }
    }

    private static void feed(EmbeddedChannel channel, TrackingAllocator alloc, byte[] stream, int[] cuts) {
        int start = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : stream.length;
            channel.writeInbound(alloc.buffer(end - start).writeBytes(stream, start, end - start));
            start = end;
        }
    }

    private static void assertOnlyDecodeErrors(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (!(cause instanceof DecoderException)) {
                throw new AssertionError("the codec failed with " + cause + ", not a decode error", failure);
            }
        }
    }

    /** The messages re-encode to the next bytes of the stream; returns how many. */
    private static int assertReencodeToTheStart(byte[] stream, List<Object> decoded) {
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        for (Object object : decoded) {
            Message message = (Message) object;
            reencoded.writeBytes(FrameCorpus.encode(message instanceof Data data ? data.replace(data.content().retainedDuplicate()) : message));
        }
        byte[] frames = reencoded.toByteArray();
        assertTrue(frames.length <= stream.length, "the messages need more bytes than arrived");
        assertArrayEquals(frames, Arrays.copyOf(stream, frames.length), "the messages are not what arrived");
        return frames.length;
    }

    private static void assertValid(Object object) {
        if (!(object instanceof Message message)) {
            throw new AssertionError("the codec delivered " + object + ", not a message");
        }
        switch (message) {
            case Put put -> {
                assertTrue(put.size() >= 0, "negative size");
                assertName(put.server());
                assertName(put.name());
            }
            case Get get -> {
                assertName(get.server());
                assertName(get.name());
            }
            case Reply reply -> assertTrue(utf8Length(reply.message()) <= Limits.MAX_MESSAGE, "reply too long");
            case Check check -> {
                assertName(check.server());
                assertName(check.name());
            }
            case CheckReport report -> {
                assertTrue(report.items().size() <= Limits.MAX_CHECK_ITEMS, "too many check items");
                for (CheckItem item : report.items()) {
                    assertName(item.name());
                    assertTrue(utf8Length(item.detail()) <= Limits.MAX_MESSAGE, "check detail too long");
                }
            }
            case Data data -> assertTrue(data.content().readableBytes() <= Limits.MAX_CHUNK, "chunk too long");
            case Hello _, Welcome _, End _ -> { }
        }
    }

    private static void assertName(String name) {
        assertTrue(utf8Length(name) <= Limits.MAX_NAME, "name too long");
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Without a failure, what is left must be the start of a frame that is allowed but not complete yet. */
    private static void assertIncompleteFrame(byte[] rest) {
        if (rest.length < Limits.LENGTH_PREFIX) {
            return;
        }
        int length = ByteBuffer.wrap(rest).getInt();
        assertTrue(length >= 0 && length <= Limits.MAX_FRAME, "a frame of " + length + " bytes was neither "
                + "decoded nor refused");
        assertTrue(rest.length < Limits.LENGTH_PREFIX + length, "a complete frame of " + length + " bytes was "
                + "neither decoded nor refused");
    }

    private static List<byte[]> tokens() {
        List<byte[]> tokens = new ArrayList<>();
        SEEDS.forEach(seed -> tokens.add(seed.bytes()));
        for (int length : new int[] {0, 1, Limits.MAX_NAME, Limits.MAX_NAME + 1, Limits.MAX_MESSAGE + 1,
                Limits.MAX_FRAME, Limits.MAX_FRAME + 1, -1}) {
            tokens.add(ByteBuffer.allocate(4).putInt(length).array());
            tokens.add(ByteBuffer.allocate(2).putShort((short) length).array());
        }
        return tokens;
    }
}
