package io.walship.benchmarks;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checksums of whole real WAL segments: CRC-32C (what the protocol sends and the receiver checks), CRC-32 and SHA-256.
 * One operation is one segment (16 MiB), so MiB/s = ops/s x 16. zstd-jni has no xxHash API, so xxHash is not here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class ChecksumBenchmark {

    private static final int CHUNK = 128 * 1024;

    private WalCorpus corpus;
    private MessageDigest sha256;

    @Setup
    public void load() throws NoSuchAlgorithmException {
        corpus = WalCorpus.load();
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** CRC-32C over the heap copy of the segment in one call. */
    @Benchmark
    public long crc32c() {
        CRC32C crc = new CRC32C();
        crc.update(corpus.next().bytes());
        return crc.getValue();
    }

    /** CRC-32C the way the receiver computes it: 128 KiB direct buffers (Netty's Data frames), one update each. */
    @Benchmark
    public long crc32cDirectChunks() {
        ByteBuffer segment = corpus.next().direct();
        CRC32C crc = new CRC32C();
        for (int at = 0; at < segment.capacity(); at += CHUNK) {
            crc.update(segment.slice(at, Math.min(CHUNK, segment.capacity() - at)));
        }
        return crc.getValue();
    }

    @Benchmark
    public long crc32() {
        CRC32 crc = new CRC32();
        crc.update(corpus.next().bytes());
        return crc.getValue();
    }

    @Benchmark
    public byte[] sha256() {
        return sha256.digest(corpus.next().bytes());
    }
}
