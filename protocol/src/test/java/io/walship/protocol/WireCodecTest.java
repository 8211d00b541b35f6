package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {

    private static final String WAL = "000000010000000A000000FF";
    /** 255 UTF-8 bytes: the longest name allowed, with multi-byte characters to count bytes, not chars. */
    private static final String LONGEST_NAME = "é".repeat(127) + "x";

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void nothingLeaks() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
        assertEquals(List.of(), alloc.unreleased(), "buffers still referenced at the end of the test");
    }

    // ---- round trips ----

    static Stream<Message> messages() {
        return Stream.of(
                Hello.current(),
                new Hello(Hello.MAGIC, 0xFFFF, Long.MIN_VALUE),
                new Hello(0, 0, -1L),
                new Welcome(ProtocolVersion.CURRENT, 0L),
                new Welcome(0xFFFF, Long.MAX_VALUE),
                new Put("pg", WAL, 16L * 1024 * 1024, 1_700_000_000_123_456_789L),
                new Put("pg", WAL + ".partial", 0L, 0L),
                new Put(LONGEST_NAME, LONGEST_NAME, Long.MAX_VALUE, Long.MIN_VALUE),
                new Put("", "", 0L, -1L),
                new Put("pg", WAL, 16L * 1024 * 1024, 1_700_000_000_123_456_789L, WireEncoding.ZSTD),
                new Put(LONGEST_NAME, LONGEST_NAME, Long.MAX_VALUE, Long.MIN_VALUE, WireEncoding.ZSTD),
                new Get("pg", "00000002.history"),
                new Get(LONGEST_NAME, "ünïcødé ✓ 😀"),
                new Get("pg", WAL, WireEncoding.ZSTD),
                new Get(LONGEST_NAME, "ünïcødé ✓ 😀", WireEncoding.ZSTD),
                new End(0),
                new End(0xDEADBEEF),
                new End(-1),
                new Reply(ReplyCode.STORED, "stored " + WAL),
                new Reply(ReplyCode.ALREADY_STORED, ""),
                new Reply(ReplyCode.CONFLICT, "ünïcødé ✓ 😀"),
                new Reply(ReplyCode.REJECTED, "x".repeat(Limits.MAX_MESSAGE)),
                new Reply(ReplyCode.FAILED, "disk full"),
                new Reply(ReplyCode.NOT_FOUND, "no such file"),
                new Reply(ReplyCode.FOUND, ""),
                Check.of("pg"),
                new Check(LONGEST_NAME, WAL),
                new CheckReport(List.of()),
                new CheckReport(List.of(CheckItem.ok("authorized"), CheckItem.warning("free space", "ünïcødé"),
                        CheckItem.failed("compression", "x".repeat(Limits.MAX_MESSAGE)))),
                new CheckReport(Collections.nCopies(Limits.MAX_CHECK_ITEMS, CheckItem.ok(LONGEST_NAME))));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageTypeRoundTrips(Message message) {
        List<Object> decoded = decode(encode(message).toArray(ByteBuf[]::new));
        assertEquals(List.of(message), decoded);
    }

    @Test
    void helloCurrentIsTheMagicAndTheCurrentVersion() {
        Hello hello = Hello.current();
        assertEquals(Hello.MAGIC, hello.magic());
        assertEquals(ProtocolVersion.CURRENT, hello.version());
        assertEquals(0L, hello.capabilities());
        assertTrue(ProtocolVersion.isSupported(hello.version()));
        assertFalse(ProtocolVersion.isSupported(ProtocolVersion.CURRENT + 1));
        assertFalse(ProtocolVersion.isSupported(0));
    }

    static Stream<Arguments> goldenFrames() {
        return Stream.of(
                Arguments.of(Hello.current(), "0000000f" + "01" + "57414c53" + "0001" + "0000000000000000"),
                Arguments.of(new Welcome(1, 2L), "0000000b" + "02" + "0001" + "0000000000000002"),
                Arguments.of(new Put("pg", "a", 5L, 6L),
                        "00000018" + "03" + "0002" + "7067" + "0001" + "61" + "0000000000000005" + "0000000000000006"),
                Arguments.of(new Get("pg", "a"), "00000008" + "04" + "0002" + "7067" + "0001" + "61"),
                Arguments.of(new Get("pg", "a", WireEncoding.ZSTD),
                        "00000009" + "0b" + "0002" + "7067" + "0001" + "61" + "01"),
                Arguments.of(new End(0x01020304), "00000005" + "06" + "01020304"),
                Arguments.of(new Reply(ReplyCode.CONFLICT, "x"), "00000005" + "07" + "02" + "0001" + "78"),
                Arguments.of(new Check("pg", ""), "00000007" + "08" + "0002" + "7067" + "0000"),
                Arguments.of(new CheckReport(List.of(CheckItem.failed("a", "b"))),
                        "00000009" + "09" + "01" + "0001" + "61" + "02" + "0001" + "62"));
    }

    /** Pins the wire format: both ends of a deployment may run different builds. */
    @ParameterizedTest
    @MethodSource("goldenFrames")
    void wireFormatIsStable(Message message, String hex) {
        assertEquals(hex, HexFormat.of().formatHex(bytes(encode(message))));
    }

    @Test
    void dataWireFormatIsStable() {
        Data data = new Data(buffer(new byte[] {1, 2, 3}));
        assertEquals("00000004" + "05" + "010203", HexFormat.of().formatHex(bytes(encode(data))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, Limits.MAX_CHUNK - 4, Limits.MAX_CHUNK - 1, Limits.MAX_CHUNK})
    void dataContentRoundTripsByteExact(int size) {
        byte[] content = randomBytes(size);
        ByteBuf input = buffer(content);

        List<ByteBuf> wire = encode(new Data(input));
        List<Object> decoded = decode(wire.toArray(ByteBuf[]::new));

        assertEquals(1, decoded.size());
        Data data = assertInstanceOf(Data.class, decoded.getFirst());
        try {
            assertArrayEquals(content, ByteBufUtil.getBytes(data.content()));
        } finally {
            data.release();
        }
        assertEquals(0, data.refCnt());
        assertEquals(0, input.refCnt(), "the encoder must hand the content on and release its own reference");
    }

    @Test
    void dataContentIsNotCopiedByTheEncoder() {
        int size = 64 * 1024;
        ByteBuf input = buffer(randomBytes(size));
        int before = alloc.allocations();

        List<ByteBuf> wire = encode(new Data(input));

        int totalCapacity = 0;
        for (int i = before; i < alloc.allocations(); i++) {
            totalCapacity += alloc.capacityOf(i);
        }
        assertTrue(totalCapacity < size, "encoder allocated " + totalCapacity + " bytes for a " + size + "-byte chunk");
        assertEquals(Limits.LENGTH_PREFIX + 1 + size, wire.stream().mapToInt(ByteBuf::readableBytes).sum());
        wire.forEach(ByteBuf::release);
        assertEquals(0, input.refCnt());
    }

    @Test
    void decodedDataStaysValidUntilTheConsumerReleasesIt() {
        byte[] content = randomBytes(1000);
        ByteBuf frame = frame(body(b -> b.writeByte(FrameType.DATA).writeBytes(content)));

        EmbeddedChannel receiver = channel();
        receiver.writeInbound(frame);
        Data data = receiver.readInbound();

        assertTrue(data.refCnt() > 0);
        assertTrue(frame.refCnt() > 0, "the decoded chunk still refers to the received bytes");
        assertArrayEquals(content, ByteBufUtil.getBytes(data.content()));
        assertTrue(data.release());
        assertEquals(0, data.refCnt());
        assertEquals(0, frame.refCnt());
    }

    // ---- framing ----

    private static List<Message> conversation() {
        return List.of(
                Hello.current(),
                new Welcome(ProtocolVersion.CURRENT, 0L),
                new Put("pg", WAL, 3, 42L),
                new End(123456),
                new Reply(ReplyCode.STORED, "ok"),
                new Get("pg", WAL),
                new Reply(ReplyCode.NOT_FOUND, "no"));
    }

    @Test
    void severalFramesInOneBufferAllDecodeInOrder() {
        byte[] stream = bytes(encode(conversation().toArray(Message[]::new)));
        assertEquals(conversation(), decode(buffer(stream)));
    }

    @Test
    void framesSplitIntoSingleBytesDecode() {
        byte[] stream = bytes(encode(conversation().toArray(Message[]::new)));
        ByteBuf[] pieces = new ByteBuf[stream.length];
        for (int i = 0; i < stream.length; i++) {
            pieces[i] = buffer(new byte[] {stream[i]});
        }
        assertEquals(conversation(), decode(pieces));
    }

    @Test
    void aFrameIsDeliveredOnlyWhenItsLastByteArrives() {
        byte[] stream = bytes(encode(Hello.current()));
        EmbeddedChannel receiver = channel();

        receiver.writeInbound(buffer(Arrays.copyOf(stream, stream.length - 1)));
        assertNull(receiver.readInbound());
        receiver.writeInbound(buffer(new byte[] {stream[stream.length - 1]}));
        assertEquals(Hello.current(), receiver.readInbound());
    }

    @Test
    void splitDataAndMessagesMixed() {
        byte[] content = randomBytes(10_000);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(bytes(encode(new Put("pg", WAL, content.length, 1L))));
        stream.writeBytes(bytes(encode(new Data(buffer(content)))));
        stream.writeBytes(bytes(encode(new End(7))));
        byte[] all = stream.toByteArray();

        // Odd-sized pieces so that piece and frame boundaries rarely coincide.
        List<ByteBuf> pieces = new ArrayList<>();
        for (int offset = 0; offset < all.length; offset += 997) {
            pieces.add(buffer(Arrays.copyOfRange(all, offset, Math.min(all.length, offset + 997))));
        }
        List<Object> decoded = decode(pieces.toArray(ByteBuf[]::new));

        assertEquals(3, decoded.size());
        assertEquals(new Put("pg", WAL, content.length, 1L), decoded.get(0));
        Data data = assertInstanceOf(Data.class, decoded.get(1));
        try {
            assertArrayEquals(content, ByteBufUtil.getBytes(data.content()));
        } finally {
            data.release();
        }
        assertEquals(new End(7), decoded.get(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {Limits.MAX_FRAME + 1, Limits.MAX_FRAME + 1000, Integer.MAX_VALUE})
    void oversizedLengthPrefixFailsFast(int length) {
        // Only the prefix: the decoder must refuse before buffering the announced body.
        ByteBuf prefix = alloc.buffer(4).writeInt(length);
        EmbeddedChannel receiver = channel();

        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> receiver.writeInbound(prefix));
        assertTrue(e.getMessage().contains(String.valueOf(length)) || e.getMessage().contains("exceeds"),
                e.getMessage());
        assertNull(receiver.readInbound());
        assertEquals(0, prefix.refCnt());
    }

    @Test
    void negativeLengthPrefixIsRejected() {
        ByteBuf prefix = alloc.buffer(4).writeInt(-1);
        EmbeddedChannel receiver = channel();

        assertThrows(DecoderException.class, () -> receiver.writeInbound(prefix));
        assertNull(receiver.readInbound());
    }

    // ---- malformed frames ----

    static Stream<Arguments> malformedFrames() {
        return Stream.of(
                Arguments.of("empty frame", body(b -> { }), "empty frame"),
                Arguments.of("unknown type", body(b -> b.writeByte(99)), "unknown frame type 99"),
                Arguments.of("type zero", body(b -> b.writeByte(0)), "unknown frame type 0"),
                Arguments.of("hello cut in the magic", body(b -> b.writeByte(FrameType.HELLO).writeShort(0x5741)),
                        "truncated"),
                Arguments.of("welcome without capabilities", body(b -> b.writeByte(FrameType.WELCOME).writeShort(1)),
                        "truncated"),
                Arguments.of("put string longer than the frame",
                        body(b -> b.writeByte(FrameType.PUT).writeShort(10).writeBytes(ascii("pg"))), "truncated"),
                Arguments.of("put without mtime", body(b -> {
                    b.writeByte(FrameType.PUT);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeLong(5);
                }), "truncated"),
                Arguments.of("encoded put without its encoding", body(b -> {
                    b.writeByte(FrameType.PUT_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeLong(5).writeLong(0);
                }), "truncated"),
                Arguments.of("encoded put naming the plain encoding", body(b -> {
                    b.writeByte(FrameType.PUT_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeLong(5).writeLong(0).writeByte(0);
                }), "a plain one is a PUT"),
                Arguments.of("encoded put with an unknown encoding", body(b -> {
                    b.writeByte(FrameType.PUT_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeLong(5).writeLong(0).writeByte(7);
                }), "unknown wire encoding 7"),
                Arguments.of("encoded get without its encoding", body(b -> {
                    b.writeByte(FrameType.GET_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                }), "truncated"),
                Arguments.of("encoded get naming the plain encoding", body(b -> {
                    b.writeByte(FrameType.GET_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeByte(0);
                }), "a plain one is a GET"),
                Arguments.of("encoded get with an unknown encoding", body(b -> {
                    b.writeByte(FrameType.GET_ENCODED);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeByte(9);
                }), "unknown wire encoding 9"),
                Arguments.of("end without checksum", body(b -> b.writeByte(FrameType.END).writeShort(1)), "truncated"),
                Arguments.of("reply without code", body(b -> b.writeByte(FrameType.REPLY)), "truncated"),
                Arguments.of("trailing bytes after end", body(b -> b.writeByte(FrameType.END).writeInt(1).writeByte(0)),
                        "trailing"),
                Arguments.of("trailing bytes after get", body(b -> {
                    b.writeByte(FrameType.GET);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeZero(3);
                }), "3 unexpected trailing bytes"),
                Arguments.of("name longer than MAX_NAME", body(b -> {
                    b.writeByte(FrameType.GET);
                    string(b, "pg");
                    string(b, "a".repeat(Limits.MAX_NAME + 1));
                }), "exceeds the limit of " + Limits.MAX_NAME),
                Arguments.of("server longer than MAX_NAME", body(b -> {
                    b.writeByte(FrameType.PUT);
                    string(b, "s".repeat(Limits.MAX_NAME + 1));
                    string(b, WAL);
                    b.writeLong(1).writeLong(1);
                }), "exceeds the limit of " + Limits.MAX_NAME),
                Arguments.of("negative size", body(b -> {
                    b.writeByte(FrameType.PUT);
                    string(b, "pg");
                    string(b, WAL);
                    b.writeLong(-1).writeLong(0);
                }), "negative size"),
                Arguments.of("invalid UTF-8", body(b -> {
                    b.writeByte(FrameType.GET);
                    string(b, "pg");
                    b.writeShort(2).writeByte(0xC3).writeByte(0x28);
                }), "UTF-8"),
                // An overlong "/" must not slip past name validation further up.
                Arguments.of("overlong UTF-8 slash", body(b -> {
                    b.writeByte(FrameType.GET);
                    string(b, "pg");
                    b.writeShort(4).writeBytes(ascii("..")).writeByte(0xC0).writeByte(0xAF);
                }), "UTF-8"),
                Arguments.of("UTF-8 encoded surrogate", body(b -> {
                    b.writeByte(FrameType.GET);
                    b.writeShort(3).writeByte(0xED).writeByte(0xA0).writeByte(0x80);
                    string(b, WAL);
                }), "UTF-8"),
                Arguments.of("unknown reply code", body(b -> {
                    b.writeByte(FrameType.REPLY).writeByte(200);
                    string(b, "x");
                }), "unknown reply code 200"),
                Arguments.of("check without name", body(b -> {
                    b.writeByte(FrameType.CHECK);
                    string(b, "pg");
                }), "truncated"),
                Arguments.of("check report with too many items",
                        body(b -> b.writeByte(FrameType.CHECK_REPORT).writeByte(Limits.MAX_CHECK_ITEMS + 1)),
                        "exceed the limit of " + Limits.MAX_CHECK_ITEMS),
                Arguments.of("check report with fewer items than it says", body(b -> {
                    b.writeByte(FrameType.CHECK_REPORT).writeByte(2);
                    string(b, "a");
                    b.writeByte(0);
                    string(b, "");
                }), "truncated"),
                Arguments.of("unknown check status", body(b -> {
                    b.writeByte(FrameType.CHECK_REPORT).writeByte(1);
                    string(b, "a");
                    b.writeByte(3);
                    string(b, "");
                }), "unknown check status 3"),
                Arguments.of("reply message longer than MAX_MESSAGE", body(b -> {
                    b.writeByte(FrameType.REPLY).writeByte(ReplyCode.FAILED.wire);
                    string(b, "m".repeat(Limits.MAX_MESSAGE + 1));
                }), "exceeds the limit of " + Limits.MAX_MESSAGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedFrameIsAProtocolError(String description, byte[] body, String expected) {
        ByteBuf input = frame(body);
        EmbeddedChannel receiver = channel();

        DecoderException thrown = assertThrows(DecoderException.class, () -> receiver.writeInbound(input));

        ProtocolException e = causeOfType(thrown, ProtocolException.class);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should mention " + expected);
        assertNull(receiver.readInbound());
        assertEquals(0, input.refCnt());
    }

    @Test
    void malformedFrameAfterAGoodOneStillDeliversTheGoodOne() {
        byte[] good = bytes(encode(new End(5)));
        byte[] bad = {0, 0, 0, 1, 99};
        byte[] both = new byte[good.length + bad.length];
        System.arraycopy(good, 0, both, 0, good.length);
        System.arraycopy(bad, 0, both, good.length, bad.length);
        EmbeddedChannel receiver = channel();

        DecoderException thrown = assertThrows(DecoderException.class, () -> receiver.writeInbound(buffer(both)));
        causeOfType(thrown, ProtocolException.class);
        assertEquals(new End(5), receiver.readInbound());
        assertNull(receiver.readInbound());
    }

    @Test
    void decoderRefusesADataBodyLargerThanMaxChunk() {
        // Cannot arrive through the frame decoder; checks the decoder's own bound.
        ByteBuf body = alloc.buffer().writeByte(FrameType.DATA).writeZero(Limits.MAX_CHUNK + 1);
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> MessageDecoder.decode(body));
            assertTrue(e.getMessage().contains("exceeds the limit of " + Limits.MAX_CHUNK), e.getMessage());
            assertEquals(1, body.refCnt(), "nothing retained on failure");
        } finally {
            body.release();
        }
    }

    // ---- encoder limits ----

    @Test
    void encodingADataChunkLargerThanMaxChunkFails() {
        ByteBuf input = buffer(new byte[Limits.MAX_CHUNK + 1]);
        EmbeddedChannel sender = channel();

        EncoderException thrown = assertThrows(EncoderException.class,
                () -> sender.writeOutbound(new Data(input)));

        ProtocolException e = causeOfType(thrown, ProtocolException.class);
        assertTrue(e.getMessage().contains("exceeds the limit of " + Limits.MAX_CHUNK), e.getMessage());
        assertNull(sender.readOutbound());
        assertEquals(0, input.refCnt(), "a refused chunk is released, not leaked");
    }

    static Stream<Message> unencodable() {
        return Stream.of(
                new Put("pg", "n".repeat(Limits.MAX_NAME + 1), 1, 1),
                new Put("é".repeat(128), WAL, 1, 1),
                new Get("pg", "n".repeat(Limits.MAX_NAME + 1)));
    }

    @ParameterizedTest
    @MethodSource("unencodable")
    void encodingANameLongerThanMaxNameFailsWithoutLeaking(Message message) {
        EmbeddedChannel sender = channel();

        EncoderException thrown = assertThrows(EncoderException.class, () -> sender.writeOutbound(message));

        ProtocolException e = causeOfType(thrown, ProtocolException.class);
        assertTrue(e.getMessage().contains("exceeds the limit of " + Limits.MAX_NAME), e.getMessage());
        assertNull(sender.readOutbound());
        sender.finishAndReleaseAll();
        assertEquals(List.of(), alloc.unreleased(), "the half-written frame must be released");
    }

    static Stream<String> overlongReplies() {
        return Stream.of(
                "x".repeat(Limits.MAX_MESSAGE + 1),
                "x".repeat(Limits.MAX_MESSAGE * 10),
                "é".repeat(Limits.MAX_MESSAGE),
                "€".repeat(Limits.MAX_MESSAGE),
                "😀".repeat(1100),
                "😀".repeat(Limits.MAX_MESSAGE));
    }

    @ParameterizedTest
    @MethodSource("overlongReplies")
    void overlongReplyMessageIsTruncatedNotRefused(String message) {
        Reply decoded = assertInstanceOf(Reply.class,
                decode(encode(new Reply(ReplyCode.FAILED, message)).toArray(ByteBuf[]::new)).getFirst());

        assertEquals(ReplyCode.FAILED, decoded.code());
        int bytes = decoded.message().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > 0 && bytes <= Limits.MAX_MESSAGE, bytes + " bytes");
        assertTrue(message.startsWith(decoded.message()), () -> "the truncated message must be a prefix of the"
                + " original; it ends in " + decoded.message().chars().skip(decoded.message().length() - 3)
                        .mapToObj(c -> String.format("U+%04X", c)).toList());
    }

    // ---- reply codes ----

    @Test
    void replyCodesHaveStableDistinctWireValues() {
        assertEquals(0, ReplyCode.STORED.wire);
        assertEquals(1, ReplyCode.ALREADY_STORED.wire);
        assertEquals(2, ReplyCode.CONFLICT.wire);
        assertEquals(3, ReplyCode.REJECTED.wire);
        assertEquals(4, ReplyCode.FAILED.wire);
        assertEquals(5, ReplyCode.NOT_FOUND.wire);
        assertEquals(6, ReplyCode.FOUND.wire);
        assertEquals(8, ReplyCode.FOUND_ZSTD.wire);
        for (ReplyCode code : ReplyCode.values()) {
            assertSame(code, ReplyCode.fromWire(code.wire));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 9, 255})
    void unknownReplyCodeIsAProtocolError(int wire) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ReplyCode.fromWire(wire));
        assertTrue(e.getMessage().contains("unknown reply code " + wire), e.getMessage());
    }

    @Test
    void onlyStoredAndAlreadyStoredMeanArchived() {
        for (ReplyCode code : ReplyCode.values()) {
            assertEquals(code == ReplyCode.STORED || code == ReplyCode.ALREADY_STORED, code.isArchived(),
                    code.name());
        }
    }

    // ---- helpers ----

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        WireCodec.addTo(channel.pipeline());
        channels.add(channel);
        return channel;
    }

    /** Encodes on a fresh channel and returns the outbound buffers in order; the caller owns them. */
    private List<ByteBuf> encode(Message... messages) {
        EmbeddedChannel sender = channel();
        sender.writeOutbound((Object[]) messages);
        List<ByteBuf> wire = new ArrayList<>();
        for (ByteBuf buffer = sender.readOutbound(); buffer != null; buffer = sender.readOutbound()) {
            wire.add(buffer);
        }
        return wire;
    }

    @Test
    void aPlainPutKeepsTheFrameEveryReceiverReadsAndOnlyAnEncodedOneTakesTheNewType() {
        byte[] plain = bytes(encode(new Put("pg", WAL, 3, 42L)));
        byte[] zstd = bytes(encode(new Put("pg", WAL, 3, 42L, WireEncoding.ZSTD)));
        assertEquals(FrameType.PUT, plain[Limits.LENGTH_PREFIX]);
        assertEquals(FrameType.PUT_ENCODED, zstd[Limits.LENGTH_PREFIX]);
        assertEquals(plain.length + 1, zstd.length, "the encoding's one byte more");
    }

    @Test
    void aPlainGetKeepsTheFrameEveryReceiverReadsAndOnlyOneAcceptingZstdTakesTheNewType() {
        byte[] plain = bytes(encode(new Get("pg", WAL)));
        byte[] zstd = bytes(encode(new Get("pg", WAL, WireEncoding.ZSTD)));
        assertEquals(FrameType.GET, plain[Limits.LENGTH_PREFIX]);
        assertEquals(FrameType.GET_ENCODED, zstd[Limits.LENGTH_PREFIX]);
        assertEquals(plain.length + 1, zstd.length, "the encoding's one byte more");
    }

    /** Feeds the pieces, in order, to a fresh channel and returns everything it decoded. */
    private List<Object> decode(ByteBuf... pieces) {
        EmbeddedChannel receiver = channel();
        for (int i = 0; i < pieces.length; i++) {
            try {
                receiver.writeInbound(pieces[i]);
            } catch (RuntimeException e) {
                // The pieces not fed yet are still ours; release them so the real failure is not buried in leaks.
                for (int j = i + 1; j < pieces.length; j++) {
                    pieces[j].release();
                }
                throw e;
            }
        }
        List<Object> decoded = new ArrayList<>();
        for (Object message = receiver.readInbound(); message != null; message = receiver.readInbound()) {
            decoded.add(message);
        }
        return decoded;
    }

    /** Concatenates and releases the buffers. */
    private static byte[] bytes(List<ByteBuf> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buffer : buffers) {
            out.writeBytes(ByteBufUtil.getBytes(buffer));
            buffer.release();
        }
        return out.toByteArray();
    }

    private ByteBuf buffer(byte[] bytes) {
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private ByteBuf frame(byte[] body) {
        return alloc.buffer(Limits.LENGTH_PREFIX + body.length).writeInt(body.length).writeBytes(body);
    }

    private static byte[] body(Consumer<ByteBuf> writer) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            writer.accept(buffer);
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    private static void string(ByteBuf buffer, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.writeShort(bytes.length).writeBytes(bytes);
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static <T extends Throwable> T causeOfType(Throwable thrown, Class<T> type) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return fail("expected a " + type.getSimpleName() + " in the causes of " + thrown, thrown);
    }

    /** Unpooled allocator that remembers every buffer it hands out, so a test can prove none leaked. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {

        private final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        private ByteBuf track(ByteBuf buffer) {
            allocated.add(buffer);
            return buffer;
        }

        int allocations() {
            return allocated.size();
        }

        int capacityOf(int allocation) {
            return allocated.get(allocation).capacity();
        }

        int largestCapacity() {
            return allocated.stream().mapToInt(ByteBuf::capacity).max().orElse(0);
        }

        List<String> unreleased() {
            List<String> leaks = new ArrayList<>();
            for (int i = 0; i < allocated.size(); i++) {
                ByteBuf buffer = allocated.get(i);
                if (buffer.refCnt() != 0) {
                    leaks.add("allocation #" + i + " (capacity " + buffer.capacity() + ", refCnt "
                            + buffer.refCnt() + ")");
                }
            }
            return leaks;
        }
    }
}
