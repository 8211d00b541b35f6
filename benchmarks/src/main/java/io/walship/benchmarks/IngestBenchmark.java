package io.walship.benchmarks;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.walship.protocol.Limits;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.barman.BarmanStore;
import io.walship.receiver.store.barman.HashDirLayout;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiver's whole ingest of real WAL segments into a real Barman directory: {@link BarmanStore#begin}, the segment
 * as 1 MiB direct buffers (the agent's Data frames) into {@link Ingest#write} (CRC-32C, WAL header and cluster check, compression, writes into
 * a temp file), then {@link Ingest#finish}: checksum check, fsync, rename, directory fsync, and the xlog.db line
 * appended and fsynced under Barman's flock. All of it is measured, as the receiver does it per file.
 *
 * <p>Segments keep their real names (the store checks the page address against the name and pins the cluster), so
 * before each invocation the stored copy of the next segment is deleted and xlog.db emptied; that is not measured.
 * Ceilings on the same bytes: {@link #rawZstd} (zstd-jni one-shot at level 3 with zstd's own parameters, no I/O),
 * {@link #rawZstdReceiverParams} (the same with the receiver's parameters: level 3, chainLog 14, content checksum) and
 * {@link #copyFsync} (the segment file copied with Files.copy and fsynced: the I/O alone, uncompressed).
 * {@code wire=ZSTD} feeds the agent's zstd frame of the segment instead (wire_compression = zstd): decoded to be
 * checked, then kept as sent by a ZSTD server, transcoded by the others.
 * The store lives under {@code -Dwalship.ingest.dir} (default: the temp directory). One operation is one 16 MiB
 * segment: MiB/s = ops/s x 16.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class IngestBenchmark {

    private static final String SERVER = "bench";
    private static final int CHUNK = Limits.MAX_CHUNK;
    private static final long MTIME_NANOS = 1_700_000_000_000_000_000L;

    private WalCorpus corpus;
    private Path work;
    private WalCorpus.Segment segment;
    private byte[] out;
    private ZstdCompressCtx zstd;
    private ZstdCompressCtx receiverParams;
    private final Map<WalFileName, List<ByteBuffer>> plainChunks = new HashMap<>();
    private final Map<WalFileName, List<ByteBuffer>> zstdChunks = new HashMap<>();

    @State(Scope.Thread)
    public static class Store {
        @Param({"ZSTD", "GZIP", "NONE"})
        public String codec;
        /** How the agent sent it: PLAIN, or ZSTD (compressed once on the agent; kept as sent by a ZSTD server). */
        @Param({"PLAIN", "ZSTD"})
        public String wire;
        BarmanStore store;
        Path home;
        Path wals;

        @Setup(Level.Trial)
        public void open(IngestBenchmark bench) throws IOException {
            home = Files.createDirectory(bench.work.resolve("barman-" + codec));
            wals = home.resolve(SERVER).resolve("wals");
            BarmanServer server = new BarmanServer(SERVER, Set.of(), Compression.valueOf(codec), "benchmark",
                    ServerDirectories.defaults(home, SERVER), XlogDbGeneration.SERVER_XLOG_DB_WHEN_PRESENT);
            store = new BarmanStore(List.of(server), Duration.ofSeconds(60));
        }

        /** Forgets the segment about to be stored again, so that it is stored anew rather than found identical. */
        @Setup(Level.Invocation)
        public void forget(IngestBenchmark bench) throws IOException {
            Files.deleteIfExists(new HashDirLayout(wals).pathOf(bench.segment.name()));
            Path xlogDb = wals.resolve("xlog.db");
            if (Files.exists(xlogDb)) {
                try (FileChannel channel = FileChannel.open(xlogDb, StandardOpenOption.WRITE)) {
                    channel.truncate(0);
                }
            }
        }
    }

    @Setup(Level.Trial)
    public void load() throws IOException {
        corpus = WalCorpus.load();
        try (ZstdCompressCtx agent = new ZstdCompressCtx()) {
            for (WalCorpus.Segment each : corpus.segments()) {
                plainChunks.put(each.name(), chunks(each.bytes()));
                zstdChunks.put(each.name(), chunks(WalZstd.configure(agent, each.size()).compress(each.bytes())));
            }
        }
        String dir = System.getProperty("walship.ingest.dir");
        work = dir == null || dir.isBlank() ? Files.createTempDirectory("walship-ingest")
                : Files.createTempDirectory(Files.createDirectories(Path.of(dir)), "walship-ingest");
        out = new byte[(int) Zstd.compressBound(corpus.segmentSize())];
        zstd = new ZstdCompressCtx().setLevel(CompressionBenchmark.RECEIVER_ZSTD_LEVEL);
        receiverParams = new ZstdCompressCtx().setLevel(CompressionBenchmark.RECEIVER_ZSTD_LEVEL).setChainLog(14)
                .setChecksum(true);
    }

    /**
     * As the network delivers them: each DATA frame's bytes in a direct buffer of its own. (Slices of one buffer
     * made zstd's streaming look cheaper than in the receiver, where no two frames share memory.)
     */
    private static List<ByteBuffer> chunks(byte[] bytes) {
        List<ByteBuffer> chunks = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += CHUNK) {
            int n = Math.min(CHUNK, bytes.length - at);
            chunks.add(ByteBuffer.allocateDirect(n).put(bytes, at, n).flip());
        }
        return chunks;
    }

    /** Picks the segment of the next invocation; runs before the store's own invocation setup. */
    @Setup(Level.Invocation)
    public void pick() {
        segment = corpus.next();
    }

    @TearDown(Level.Trial)
    public void clean() throws IOException {
        zstd.close();
        receiverParams.close();
        Files.walkFileTree(work, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Benchmark
    public Outcome pipeline(Store store) throws IngestException {
        WireEncoding wire = WireEncoding.valueOf(store.wire);
        Ingest ingest = store.store.begin(SERVER, segment.name(), segment.size(), MTIME_NANOS, wire);
        try {
            for (ByteBuffer chunk : (wire == WireEncoding.ZSTD ? zstdChunks : plainChunks).get(segment.name())) {
                ingest.write(chunk.duplicate());
            }
            Outcome outcome = ingest.finish(segment.crc32c()).toCompletableFuture().join();
            if (outcome.code() != ReplyCode.STORED) {
                throw new IllegalStateException(segment.name().name() + " was not stored: " + outcome);
            }
            return outcome;
        } catch (IngestException | RuntimeException e) {
            ingest.abort();
            throw e;
        }
    }

    @Benchmark
    public int rawZstd() {
        return zstd.compress(out, segment.bytes());
    }

    @Benchmark
    public int rawZstdReceiverParams() {
        return receiverParams.compress(out, segment.bytes());
    }

    @Benchmark
    public long copyFsync() {
        Path target = work.resolve("copy");
        try {
            Files.copy(segment.file(), target, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                channel.force(true);
                return channel.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
