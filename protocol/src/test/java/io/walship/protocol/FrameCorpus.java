package io.walship.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The valid frames of the decoder's seed corpus ({@code fuzz/frames}), one or two of every message type, as the
 * encoder writes them. They are checked in, so that a change of the wire format shows as a failing fuzz example;
 * after a deliberate change, {@link #main} writes them anew into the directory it is given.
 */
final class FrameCorpus {

    private static final int SIXTEEN_MIB = 16 << 20;

    /** File name to message; {@link Data} holds a buffer, so each call makes a fresh one. */
    static Map<String, Supplier<Message>> messages() {
        Map<String, Supplier<Message>> messages = new LinkedHashMap<>();
        messages.put("hello.bin", Hello::current);
        messages.put("hello-future-version.bin", () -> new Hello(Hello.MAGIC, 0xFFFF, Long.MIN_VALUE));
        messages.put("welcome.bin", () -> new Welcome(ProtocolVersion.CURRENT, 0L));
        messages.put("put-segment.bin",
                () -> new Put("pg", "000000010000000A000000FF", SIXTEEN_MIB, 1_700_000_000_123_456_789L));
        messages.put("put-history.bin", () -> new Put("main", "00000002.history", 42, 0));
        messages.put("put-segment-zstd.bin", () -> new Put("pg", "000000010000000A000000FF", SIXTEEN_MIB,
                1_700_000_000_123_456_789L, WireEncoding.ZSTD));
        messages.put("get-backup.bin", () -> new Get("pg", "000000010000000000000002.00000028.backup"));
        messages.put("get-unicode.bin", () -> new Get("ünïcødé", "✓ 😀"));
        messages.put("get-segment-zstd.bin", () -> new Get("pg", "000000010000000A000000FF", WireEncoding.ZSTD));
        messages.put("data.bin", () -> new Data(Unpooled.wrappedBuffer(pattern(64))));
        messages.put("data-empty.bin", () -> new Data(Unpooled.EMPTY_BUFFER));
        messages.put("end.bin", () -> new End(0xDEADBEEF));
        messages.put("reply-stored.bin", () -> new Reply(ReplyCode.STORED, "stored 000000010000000A000000FF"));
        messages.put("reply-rejected.bin", () -> new Reply(ReplyCode.REJECTED,
                "00000002.history line 1 is 'x', not '<parent timeline> <switch point X/X> <reason>'"));
        messages.put("check.bin", () -> new Check("pg", "000000010000000A000000FF"));
        messages.put("check-report.bin", () -> new CheckReport(List.of(CheckItem.ok("authorized", "pg1"),
                CheckItem.failed("free space", "1.2 GiB free of 50 GiB under /var/lib/barman/pg/wals"))));
        return messages;
    }

    /** The frame {@link MessageEncoder} writes for {@code message}, length prefix included; releases a {@link Data}. */
    static byte[] encode(Message message) {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageEncoder());
        try {
            channel.writeOutbound(message);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
                frame.writeBytes(ByteBufUtil.getBytes(part));
                part.release();
            }
            return frame.toByteArray();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    public static void main(String[] args) throws IOException {
        Path directory = Files.createDirectories(Path.of(args[0]));
        for (Map.Entry<String, Supplier<Message>> entry : messages().entrySet()) {
            Files.write(directory.resolve(entry.getKey()), encode(entry.getValue().get()));
        }
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 37);
        }
        return bytes;
    }
}
