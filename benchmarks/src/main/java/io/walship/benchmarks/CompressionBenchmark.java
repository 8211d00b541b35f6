package io.walship.benchmarks;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdOutputStream;
import io.walship.protocol.Limits;
import io.walship.protocol.WalZstd;
import io.walship.protocol.WholeFileZstd;
import io.walship.receiver.compress.CompressingSink;
import io.walship.receiver.compress.Compression;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Compression of whole real WAL segments, in memory (the output is counted and dropped). {@link #receiverCodec} is
 * the receiver's codec path exactly as the store drives it: {@link Compression#sink} into a channel, fed 1 MiB direct
 * buffers as the agent's Data frames arrive (zstd at the receiver's level 3 with a content checksum and the size
 * pledged, gzip, bzip2, none). Its ceiling is raw zstd-jni on the same byte[]: one-shot with a reused context ({@link #rawZstd}, levels 1-3), the same with the
 * content checksum the receiver writes ({@link #rawZstdLevel3Checksum}) and zstd-jni's own stream fed the whole
 * segment in one write ({@link #rawZstdStream}). One operation is one 16 MiB segment: MiB/s = ops/s x 16.
 *
 * <p>{@link #reusedCtxStream} explores the window: the receiver's settings (level 3, content checksum) on one reused
 * context, the segment size pledged, 128 KiB direct chunks, with zstd's default window ({@code windowLog=0}) or a window as large as the segment ({@code windowLog=24}), so that the
 * stream never wraps its input buffer and zstd never has to search the previous window as a separate dictionary.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class CompressionBenchmark {

    /** The receiver's zstd level (Compression.ZSTD_LEVEL, not configurable). */
    static final int RECEIVER_ZSTD_LEVEL = 3;
    /** The agent's Data frame size. */
    private static final int FRAME = Limits.MAX_CHUNK;
    /** The chunks of {@link #reusedCtxStream}, as the agent sent them before it used 1 MiB frames. */
    private static final int CHUNK = 128 * 1024;

    private WalCorpus corpus;
    private final CountingSink sink = new CountingSink();
    private byte[] out;
    private ZstdCompressCtx checksummed;

    @Setup
    public void load() {
        corpus = WalCorpus.load();
        out = new byte[(int) Zstd.compressBound(corpus.segmentSize())];
        checksummed = new ZstdCompressCtx().setLevel(RECEIVER_ZSTD_LEVEL).setChecksum(true);
    }

    @TearDown
    public void close() {
        checksummed.close();
    }

    @State(Scope.Thread)
    public static class Codec {
        @Param({"ZSTD", "GZIP", "BZIP2", "NONE"})
        public String codec;
        Compression compression;

        @Setup
        public void pick() {
            compression = Compression.valueOf(codec);
        }
    }

    @State(Scope.Thread)
    public static class ZstdLevel {
        @Param({"1", "2", "3"})
        public int level;
        ZstdCompressCtx ctx;

        @Setup(Level.Trial)
        public void open() {
            ctx = new ZstdCompressCtx().setLevel(level);
        }

        @TearDown(Level.Trial)
        public void close() {
            ctx.close();
        }
    }

    @State(Scope.Thread)
    public static class Windowed {
        /** 0: zstd's default for the level; otherwise the window (and input buffer) size as a power of two. */
        @Param({"0", "24"})
        public int windowLog;
        ZstdCompressCtx ctx;
        ByteBuffer dst;

        @Setup(Level.Trial)
        public void open(CompressionBenchmark bench) {
            ctx = new ZstdCompressCtx().setLevel(RECEIVER_ZSTD_LEVEL).setChecksum(true);
            if (windowLog > 0) {
                ctx.setWindowLog(windowLog);
            }
            dst = ByteBuffer.allocateDirect((int) Zstd.compressBound(bench.corpus.segmentSize()));
        }

        @TearDown(Level.Trial)
        public void close() {
            ctx.close();
        }
    }

    @Benchmark
    public long receiverCodec(Codec codec) throws IOException {
        ByteBuffer segment = corpus.next().direct();
        int size = segment.remaining();
        sink.reset();
        try (CompressingSink compressed = codec.compression.sink(sink, size)) {
            for (int at = 0; at < size; at += FRAME) {
                compressed.write(segment.slice(at, Math.min(FRAME, size - at)));
            }
            compressed.finish();
        }
        return sink.count();
    }

    @Benchmark
    public int rawZstd(ZstdLevel level) {
        return level.ctx.compress(out, corpus.next().bytes());
    }

    @Benchmark
    public int rawZstdLevel3Checksum() {
        return checksummed.compress(out, corpus.next().bytes());
    }

    @Benchmark
    public long rawZstdStream(ZstdLevel level) throws IOException {
        sink.reset();
        try (ZstdOutputStream zstd = new ZstdOutputStream(sink, level.level)) {
            zstd.write(corpus.next().bytes());
        }
        return sink.count();
    }

    @Benchmark
    public long reusedCtxStream(Windowed windowed) {
        ByteBuffer segment = corpus.next().direct();
        ZstdCompressCtx ctx = windowed.ctx;
        ByteBuffer dst = windowed.dst.clear();
        ctx.setPledgedSrcSize(segment.capacity());
        for (int at = 0; at < segment.capacity(); at += CHUNK) {
            ByteBuffer chunk = segment.slice(at, Math.min(CHUNK, segment.capacity() - at));
            while (chunk.hasRemaining()) {
                ctx.compressDirectByteBufferStream(dst, chunk, EndDirective.CONTINUE);
            }
        }
        ByteBuffer empty = segment.slice(0, 0);
        while (!ctx.compressDirectByteBufferStream(dst, empty, EndDirective.END)) {
            // the output buffer holds a whole compressed segment: END finishes in one call
        }
        return dst.position();
    }

    /**
     * The segment streamed to zstd (WalZstd's parameters) in 1 MiB pieces, each in a buffer of its own as the
     * network's DATA frames are: how the receiver compressed before it gathered segments whole.
     */
    @Benchmark
    public long zstdStreamedInFrames(Framed framed) {
        WalCorpus.Segment segment = corpus.next();
        ZstdCompressCtx ctx = WalZstd.configure(framed.ctx, segment.size());
        ByteBuffer dst = framed.dst.clear();
        for (ByteBuffer frame : framed.frames.get(segment.name())) {
            ByteBuffer chunk = frame.duplicate();
            while (chunk.hasRemaining()) {
                ctx.compressDirectByteBufferStream(dst, chunk, EndDirective.CONTINUE);
            }
        }
        while (!ctx.compressDirectByteBufferStream(dst, framed.empty, EndDirective.END)) {
            // the output buffer holds a whole compressed segment: END finishes in one call
        }
        return dst.position();
    }

    /** The same segment gathered and compressed in one call, as the agent and the receiver now do. */
    @Benchmark
    public int zstdWhole() {
        WalCorpus.Segment segment = corpus.next();
        try (WholeFileZstd whole = WholeFileZstd.take(segment.size())) {
            whole.plain().put(segment.direct().duplicate());
            return whole.compress().remaining();
        }
    }

    @State(Scope.Thread)
    public static class Framed {
        final ZstdCompressCtx ctx = new ZstdCompressCtx();
        final ByteBuffer empty = ByteBuffer.allocateDirect(0);
        ByteBuffer dst;
        final Map<WalFileName, List<ByteBuffer>> frames = new HashMap<>();

        @Setup(Level.Trial)
        public void split(CompressionBenchmark bench) {
            dst = ByteBuffer.allocateDirect((int) Zstd.compressBound(bench.corpus.segmentSize()));
            for (WalCorpus.Segment segment : bench.corpus.segments()) {
                List<ByteBuffer> pieces = new ArrayList<>();
                for (int at = 0; at < segment.size(); at += FRAME) {
                    int n = Math.min(FRAME, segment.size() - at);
                    pieces.add(ByteBuffer.allocateDirect(n).put(segment.bytes(), at, n).flip());
                }
                frames.put(segment.name(), pieces);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            ctx.close();
        }
    }
}
