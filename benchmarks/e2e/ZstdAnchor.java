import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The cost of compressing WAL segments with zstd alone, as the receiver's codec is set (level 3, chainLog 14,
 * content checksum, the size pledged): what a receiver that compresses cannot go below.
 *
 * <pre>
 *   java -cp zstd-jni.jar ZstdAnchor.java FILE...
 * </pre>
 *
 * reads every FILE into memory first, compresses the first one twice untimed (the native library, its
 * tables), then each FILE once between direct buffers, one reused context, the output discarded, and prints
 * {@code files N plain BYTES compressed BYTES cpu_ns NS wall_ns NS}: the compressing thread's CPU time and
 * the wall time of that loop. Used by benchmarks/e2e/run for its raw-zstd variant; run with the JDK's
 * single-file launcher, nothing to build.
 */
public final class ZstdAnchor {

    private static final int LEVEL = 3;
    private static final int CHAIN_LOG = 14;
    private static final int OUTPUT = 1024 * 1024;

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ZstdAnchor FILE...");
            System.exit(2);
        }
        ByteBuffer[] files = new ByteBuffer[args.length];
        long plain = 0;
        for (int i = 0; i < args.length; i++) {
            files[i] = read(Path.of(args[i]));
            plain += files[i].remaining();
        }
        ZstdCompressCtx ctx = new ZstdCompressCtx();
        ByteBuffer output = ByteBuffer.allocateDirect(OUTPUT);
        compress(ctx, files[0].duplicate(), output);
        compress(ctx, files[0].duplicate(), output);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long compressed = 0;
        for (ByteBuffer file : files) {
            compressed += compress(ctx, file.duplicate(), output);
        }
        long wall = System.nanoTime() - wall0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("files %d plain %d compressed %d cpu_ns %d wall_ns %d%n", files.length, plain, compressed,
                cpu, wall);
    }

    private static ByteBuffer read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(channel.size()));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // reads until full
            }
            return buffer.flip();
        }
    }

    /** One file as one zstd frame; returns the frame's size. */
    private static long compress(ZstdCompressCtx ctx, ByteBuffer input, ByteBuffer output) {
        ctx.reset();
        ctx.setLevel(LEVEL).setChainLog(CHAIN_LOG).setChecksum(true).setPledgedSrcSize(input.remaining());
        long size = 0;
        while (true) {
            output.clear();
            boolean done = ctx.compressDirectByteBufferStream(output, input, EndDirective.END);
            size += output.position();
            if (done) {
                return size;
            }
        }
    }
}
