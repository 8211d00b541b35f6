package io.walship.receiver.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionTest {

    private static final long TOOL_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    // ---- data ----

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A WAL-looking segment: a long page header, then pages of records with zeroed tails. */
    private static byte[] walLike(int size, long seed) {
        byte[] bytes = new byte[size];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0xD110).putShort(2, (short) 0x0002).putInt(4, 1).putLong(8, 0x0100_0000L)
                .putLong(24, 7301234567890123456L).putInt(32, size).putInt(36, 8192);
        Random random = new Random(seed);
        for (int page = 0; page * 8192 < size; page++) {
            int start = page * 8192 + (page == 0 ? 40 : 24);
            int used = Math.min(random.nextInt(8192 - 24), size - start);
            for (int i = 0; i < used; i++) {
                bytes[start + i] = (byte) (random.nextInt(16) == 0 ? random.nextInt(256) : i % 7);
            }
        }
        return bytes;
    }

    /** Through the receiver's sink, in heap pieces whose last one is shorter. */
    private static byte[] compress(Compression codec, byte[] plain) throws IOException {
        return throughSink(codec, plain, plain.length / 3 + 1, false);
    }

    private static byte[] decompress(Compression codec, byte[] stored) throws IOException {
        try (InputStream in = codec.decompress(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    // ---- round trips ----

    @ParameterizedTest
    @EnumSource(Compression.class)
    void randomBytesRoundTrip(Compression codec) throws IOException {
        byte[] plain = randomBytes(300_000, 1);

        byte[] stored = compress(codec, plain);

        assertArrayEquals(plain, decompress(codec, stored));
        assertArrayEquals(plain, Compression.openPlain(new ByteArrayInputStream(stored)).readAllBytes());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void walLikeBytesRoundTrip(Compression codec) throws IOException {
        byte[] plain = walLike(1 << 20, 2);

        byte[] stored = compress(codec, plain);

        assertArrayEquals(plain, decompress(codec, stored));
        assertArrayEquals(plain, Compression.openPlain(new ByteArrayInputStream(stored)).readAllBytes());
        if (codec != Compression.NONE) {
            assertTrue(stored.length < plain.length / 2, codec + " should shrink WAL-like data, got "
                    + stored.length + " bytes");
        } else {
            assertArrayEquals(plain, stored, "NONE stores the plain bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void emptyAndTinyInputsRoundTrip(Compression codec) throws IOException {
        for (byte[] plain : List.of(new byte[0], new byte[] {42}, "1\t0/3000000\tno recovery target specified\n"
                .getBytes(StandardCharsets.US_ASCII))) {
            assertArrayEquals(plain, decompress(codec, compress(codec, plain)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void finishWritesTheEndOfTheStream(Compression codec) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] plain = walLike(1 << 16, 3);
        try (CompressingSink sink = codec.sink(Channels.newChannel(buffer), plain.length)) {
            sink.write(ByteBuffer.wrap(plain));
            int beforeFinish = buffer.size();
            sink.finish();

            assertTrue(buffer.size() > beforeFinish, codec + " writes its end on finish");
        }
    }

    // ---- the receiver's sink ----

    /** What the receiver stores: plain bytes in pieces, as direct (network) or heap buffers, through a sink. */
    private static byte[] throughSink(Compression codec, byte[] plain, int piece, boolean direct) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (CompressingSink sink = codec.sink(Channels.newChannel(stored), plain.length)) {
            for (int at = 0; at < plain.length; at += piece) {
                int n = Math.min(piece, plain.length - at);
                ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
                buffer.put(plain, at, n).flip();
                sink.write(buffer);
                assertEquals(0, buffer.remaining(), "the sink consumes every byte it is given");
            }
            sink.finish();
        }
        return stored.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void theSinkStoresWhatTheCodecReadsBackInAnyPieces(Compression codec) throws IOException {
        byte[] wal = walLike(3 << 20, 5);
        byte[] random = randomBytes(2_500_000, 6);
        for (boolean direct : new boolean[] {true, false}) {
            for (int piece : new int[] {1 << 20, 128 * 1024, 4093}) {
                for (byte[] plain : List.of(wal, random)) {
                    byte[] stored = throughSink(codec, plain, piece, direct);
                    assertArrayEquals(plain, decompress(codec, stored), codec + " direct=" + direct + " piece=" + piece);
                    assertEquals(codec, Compression.sniff(stored, stored.length));
                }
            }
            for (byte[] tiny : List.of(new byte[0], new byte[] {7})) {
                assertArrayEquals(tiny, decompress(codec, throughSink(codec, tiny, 1, direct)));
            }
        }
    }

    @Test
    void zstdFromTheSinkCarriesItsSizeAndAChecksumThatCatchesDamage() throws Exception {
        byte[] plain = walLike(1 << 20, 7);
        byte[] stored = throughSink(Compression.ZSTD, plain, 128 * 1024, true);
        // Contexts are pooled: a second file through a reused context comes out the same.
        assertArrayEquals(stored, throughSink(Compression.ZSTD, plain, 1 << 20, true));
        assertEquals(plain.length, com.github.luben.zstd.Zstd.getFrameContentSize(stored));

        byte[] damaged = stored.clone();
        damaged[damaged.length - 2] ^= 0x40;
        try (InputStream in = Compression.ZSTD.decompress(new ByteArrayInputStream(damaged))) {
            in.readAllBytes();
            fail("expected the content checksum to catch a damaged byte");
        } catch (IOException expected) {
            // zstd reports the checksum mismatch
        }
    }

    @Test
    void anAbandonedSinkLeavesNothingBehindForTheNextFile() throws IOException {
        byte[] plain = walLike(1 << 20, 8);
        try (CompressingSink abandoned = Compression.ZSTD.sink(Channels.newChannel(
                new ByteArrayOutputStream()), plain.length)) {
            abandoned.write(ByteBuffer.allocateDirect(100_000));
        }
        assertArrayEquals(plain, decompress(Compression.ZSTD, throughSink(Compression.ZSTD, plain, 65536, true)));
    }

    // ---- sniffing ----

    @ParameterizedTest
    @EnumSource(Compression.class)
    void sniffRecognisesWhatEachCodecWrites(Compression codec) throws IOException {
        byte[] stored = compress(codec, walLike(1 << 16, 4));

        assertEquals(codec, Compression.sniff(stored, stored.length));
        assertEquals(codec, Compression.sniff(stored, Math.min(8, stored.length)));
    }

    @Test
    void sniffKnowsEachMagic() {
        assertEquals(Compression.ZSTD, Compression.sniff(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0, 0}, 6));
        assertEquals(Compression.GZIP, Compression.sniff(new byte[] {0x1F, (byte) 0x8B, 0x08, 0, 0, 0}, 6));
        assertEquals(Compression.BZIP2, Compression.sniff("BZh91AY&SY".getBytes(StandardCharsets.US_ASCII), 10));
    }

    @Test
    void aWalHeaderIsPlain() {
        byte[] head = {0x10, (byte) 0xD1, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00};

        assertEquals(Compression.NONE, Compression.sniff(head, head.length));
        assertEquals(Compression.NONE, Compression.sniff(walLike(1 << 16, 5), 8));
    }

    @Test
    void shortInputIsPlain() {
        assertEquals(Compression.NONE, Compression.sniff(new byte[0], 0));
        assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x1F}, 1));
        assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x1F, (byte) 0x8B}, 2));
        assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x28, (byte) 0xB5, 0x2F}, 3));
        assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x42, 0x5A}, 2));
        assertEquals(Compression.NONE, Compression.sniff(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, 3),
                "only the first 'length' bytes count");
    }

    @Test
    void textFilesArePlain() {
        byte[] history = "1\t0/3000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);
        byte[] backup = "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"
                .getBytes(StandardCharsets.US_ASCII);

        assertEquals(Compression.NONE, Compression.sniff(history, history.length));
        assertEquals(Compression.NONE, Compression.sniff(backup, backup.length));
    }

    // ---- configuration names ----

    @Test
    void fromConfigIsCaseInsensitive() {
        assertEquals(Optional.of(Compression.ZSTD), Compression.fromConfig("zstd"));
        assertEquals(Optional.of(Compression.ZSTD), Compression.fromConfig("ZSTD"));
        assertEquals(Optional.of(Compression.GZIP), Compression.fromConfig("Gzip"));
        assertEquals(Optional.of(Compression.BZIP2), Compression.fromConfig("bZiP2"));
        assertEquals(Optional.of(Compression.NONE), Compression.fromConfig("none"));
        assertEquals(Optional.of(Compression.NONE), Compression.fromConfig("None"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zst", "gz", "bz2", "lz4", "xz", "pigz", "zstd ", "null"})
    void unknownConfigNames(String value) {
        assertEquals(Optional.empty(), Compression.fromConfig(value));
    }

    @Test
    void namesInConfigurationAndXlogDb() {
        assertEquals("zstd|gzip|bzip2|none", Compression.configChoices());
        assertEquals("zstd", Compression.ZSTD.xlogDbName);
        assertEquals("gzip", Compression.GZIP.xlogDbName);
        assertEquals("bzip2", Compression.BZIP2.xlogDbName);
        assertEquals("None", Compression.NONE.xlogDbName);
    }

    // ---- openPlain on what the system tools write, and the tools on what we write ----

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void theSystemToolReadsWhatWeWrite(Compression codec) throws IOException, InterruptedException {
        byte[] plain = walLike(1 << 20, 6);
        Path stored = dir.resolve("000000010000000000000001");
        Files.write(stored, compress(codec, plain));

        byte[] decoded = runTool(List.of(tool(codec), "-dc"), stored);

        assertArrayEquals(plain, decoded, tool(codec) + " -dc must give back the plain segment");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void openPlainReadsWhatTheSystemToolWrites(Compression codec) throws IOException, InterruptedException {
        byte[] plain = walLike(1 << 20, 7);
        Path source = dir.resolve("plain");
        Files.write(source, plain);

        byte[] stored = runTool(List.of(tool(codec), "-c"), source);

        assertEquals(codec, Compression.sniff(stored, stored.length));
        try (InputStream in = Compression.openPlain(new ByteArrayInputStream(stored))) {
            assertArrayEquals(plain, in.readAllBytes());
        }
    }

    /**
     * Parallel compressors (pigz, pbzip2, lbzip2, zstd -T) and appending tools write several streams back to
     * back; {@code gzip -dc}, {@code bzip2 -dc} and {@code zstd -dc} decode all of them, so must we.
     */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void concatenatedStreamsAreReadToTheEnd(Compression codec) throws IOException, InterruptedException {
        byte[] first = randomBytes(100_000, 10);
        byte[] second = walLike(1 << 18, 11);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(compress(codec, first));
        both.write(compress(codec, second));
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        Path stored = dir.resolve("concatenated");
        Files.write(stored, both.toByteArray());

        assertArrayEquals(expected, runTool(List.of(tool(codec), "-dc"), stored),
                tool(codec) + " -dc reads every stream");
        try (InputStream in = Compression.openPlain(Files.newInputStream(stored))) {
            byte[] read = in.readAllBytes();
            assertEquals(expected.length, read.length, codec + " stopped after the first stream");
            assertArrayEquals(expected, read);
        }
    }

    @Test
    void openPlainPassesPlainFilesThrough() throws IOException {
        byte[] plain = walLike(1 << 16, 8);

        try (InputStream in = Compression.openPlain(new ByteArrayInputStream(plain))) {
            assertArrayEquals(plain, in.readAllBytes());
        }
        try (InputStream in = Compression.openPlain(new ByteArrayInputStream(new byte[] {7, 8, 9}))) {
            assertArrayEquals(new byte[] {7, 8, 9}, in.readAllBytes());
        }
        try (InputStream in = Compression.openPlain(new ByteArrayInputStream(new byte[0]))) {
            assertArrayEquals(new byte[0], in.readAllBytes());
        }
    }

    private static String tool(Compression codec) {
        return switch (codec) {
            case ZSTD -> "zstd";
            case GZIP -> "gzip";
            case BZIP2 -> "bzip2";
            case NONE -> throw new IllegalArgumentException("NONE has no tool");
        };
    }

    /** Runs a compression tool on {@code input} and returns its standard output. */
    private byte[] runTool(List<String> command, Path input) throws IOException, InterruptedException {
        requireOnPath(command.getFirst());
        Path out = Files.createTempFile(dir, "tool-", ".out");
        Path err = Files.createTempFile(dir, "tool-", ".err");
        Process process = new ProcessBuilder(command)
                .redirectInput(input.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail(command + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            fail(command + " exited with " + process.exitValue() + ": " + Files.readString(err));
        }
        return Files.readAllBytes(out);
    }

    private static void requireOnPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return;
            }
        }
        fail(program + " is not installed, but these tests check that Barman's tools can read what walship "
                + "stores; .ci/run must install it (apt-get install -y " + program + ")");
    }
}
