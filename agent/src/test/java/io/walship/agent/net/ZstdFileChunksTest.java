package io.walship.agent.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;
import io.walship.protocol.WireEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ZstdFileChunksTest {

    @TempDir
    Path dir;

    private Path file(int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        Random random = new Random(seed);
        for (int at = 0; at < size; at += 8192) {
            byte[] noise = new byte[Math.min(700, size - at)];
            random.nextBytes(noise);
            System.arraycopy(noise, 0, bytes, at, noise.length);
        }
        return Files.write(dir.resolve("wal-" + seed), bytes);
    }

    /** Reads the upload to its END: the DATA bytes, and the END checksum last. */
    private static Sent send(FileUpload upload) throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            Message chunk = upload.readChunk(UnpooledByteBufAllocator.DEFAULT);
            if (chunk instanceof Data d) {
                assertTrue(d.content().readableBytes() <= Limits.MAX_CHUNK, "a DATA frame within the limit");
                data.writeBytes(ByteBufUtil.getBytes(d.content()));
                d.content().release();
            } else if (chunk instanceof End end) {
                assertTrue(upload.isEndOfInput());
                return new Sent(data.toByteArray(), end.crc32c());
            } else {
                throw new AssertionError("unexpected " + chunk);
            }
        }
    }

    private record Sent(byte[] data, int crc32c) {
    }

    /** Up to a default segment compressed whole, larger ones streamed: the same frame to the receiver. */
    @ParameterizedTest
    @ValueSource(ints = {5 << 20, 16 << 20, 20 << 20})
    void aFileIsSentAsOneZstdFrameOfItsBytesWithTheirChecksum(int size) throws Exception {
        Path file = file(size, 1);
        byte[] plain = Files.readAllBytes(file);

        Sent sent;
        try (FileUpload upload = FileUpload.of(file, plain.length, WireEncoding.ZSTD)) {
            sent = send(upload);
        }

        assertTrue(sent.data().length < plain.length / 2, "compressed: " + sent.data().length);
        assertEquals(plain.length, Zstd.getFrameContentSize(sent.data()), "the size in the frame header");
        assertArrayEquals(plain, Zstd.decompress(sent.data(), plain.length));
        CRC32C crc = new CRC32C();
        crc.update(plain);
        assertEquals((int) crc.getValue(), sent.crc32c(), "the END checksum is that of the plain bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {3 << 20, 17 << 20})
    void aFileThatGrewOrShrankWhileSentFails(int bytes) throws Exception {
        Path file = file(bytes, 2);
        long size = Files.size(file);

        try (FileUpload grew = FileUpload.of(file, size - 10, WireEncoding.ZSTD)) {
            IOException e = assertThrows(IOException.class, () -> send(grew));
            assertTrue(e.getMessage().contains("grew while it was being sent"), e.getMessage());
        }
        try (FileUpload shrank = FileUpload.of(file, size + 10, WireEncoding.ZSTD)) {
            IOException e = assertThrows(IOException.class, () -> send(shrank));
            assertTrue(e.getMessage().contains("shrank while it was being sent"), e.getMessage());
        }
    }
}
