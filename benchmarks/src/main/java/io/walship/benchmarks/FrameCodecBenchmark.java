package io.walship.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walship.protocol.Data;
import io.walship.protocol.MessageEncoder;
import io.walship.protocol.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The frame codec on whole real WAL segments, without TLS or sockets: each segment as 128 KiB {@link Data} frames (the
 * agent's chunk size, in direct buffers as the agent reads them) through {@link MessageEncoder} on one embedded
 * channel, the wire bytes into a second one with the receiver's codec ({@link WireCodec#addTo}: length-field frame
 * decoder and message decoder) and the decoded {@link Data} released. {@code inbound=frames} hands the receiver the
 * encoder's buffers as they are; {@code inbound=16384} hands it the same wire bytes in 16 KiB pieces, as TLS records
 * arrive (the encoder's output is then dropped and the segment's wire bytes, encoded once at setup, are sliced).
 * Ceiling: {@link #copy}, a plain ByteBuf copy of the same bytes in 128 KiB pieces (the frame decoder copies each frame
 * once into its cumulation buffer). One operation is one 16 MiB segment: MiB/s = ops/s x 16.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class FrameCodecBenchmark {

    private static final int CHUNK = 128 * 1024;

    private WalCorpus corpus;
    private List<ByteBuf> segments;
    private List<ByteBuf> wires;
    private int next;
    private EmbeddedChannel sender;
    private EmbeddedChannel receiver;
    private ByteBuf copy;

    @State(Scope.Thread)
    public static class Inbound {
        /** "frames": the encoder's buffers as they are; a number: the wire cut into pieces of that many bytes. */
        @Param({"frames", "16384"})
        public String inbound;
    }

    @Setup
    public void load() {
        corpus = WalCorpus.load();
        segments = new ArrayList<>();
        for (WalCorpus.Segment segment : corpus.segments()) {
            segments.add(Unpooled.wrappedBuffer(segment.direct().duplicate()));
        }
        sender = new EmbeddedChannel(new MessageEncoder());
        receiver = new EmbeddedChannel();
        WireCodec.addTo(receiver.pipeline());
        copy = ByteBufAllocator.DEFAULT.directBuffer(CHUNK);
        wires = new ArrayList<>();
        for (ByteBuf segment : segments) {
            int size = segment.readableBytes();
            ByteBuf wire = Unpooled.directBuffer(size + (size / CHUNK + 1) * 5);
            for (int at = 0; at < size; at += CHUNK) {
                sender.writeOutbound(new Data(segment.retainedSlice(at, Math.min(CHUNK, size - at))));
                for (ByteBuf part; (part = sender.readOutbound()) != null; ) {
                    wire.writeBytes(part);
                    part.release();
                }
            }
            wires.add(wire);
        }
    }

    @TearDown
    public void close() {
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
        copy.release();
        wires.forEach(ByteBuf::release);
    }

    private ByteBuf nextSegment() {
        ByteBuf segment = segments.get(next);
        next = (next + 1) % segments.size();
        return segment;
    }

    private long drain() {
        long received = 0;
        for (Data data; (data = receiver.readInbound()) != null; ) {
            received += data.content().readableBytes();
            data.release();
        }
        return received;
    }

    @Benchmark
    public long encodeDecode(Inbound inbound) {
        int index = next;
        ByteBuf segment = nextSegment();
        int size = segment.readableBytes();
        long received = 0;
        if (inbound.inbound.equals("frames")) {
            for (int at = 0; at < size; at += CHUNK) {
                sender.writeOutbound(new Data(segment.retainedSlice(at, Math.min(CHUNK, size - at))));
                for (ByteBuf wire; (wire = sender.readOutbound()) != null; ) {
                    receiver.writeInbound(wire);
                }
                received += drain();
            }
        } else {
            int piece = Integer.parseInt(inbound.inbound);
            for (int at = 0; at < size; at += CHUNK) {
                sender.writeOutbound(new Data(segment.retainedSlice(at, Math.min(CHUNK, size - at))));
                for (ByteBuf wire; (wire = sender.readOutbound()) != null; ) {
                    wire.release();
                }
            }
            ByteBuf wire = wires.get(index);
            int length = wire.readableBytes();
            for (int from = 0; from < length; from += piece) {
                receiver.writeInbound(wire.retainedSlice(from, Math.min(piece, length - from)));
                received += drain();
            }
        }
        if (received != size) {
            throw new IllegalStateException("decoded " + received + " of " + size + " bytes");
        }
        return received;
    }

    @Benchmark
    public long copy() {
        ByteBuf segment = nextSegment();
        int size = segment.readableBytes();
        long copied = 0;
        for (int at = 0; at < size; at += CHUNK) {
            int length = Math.min(CHUNK, size - at);
            copy.clear().writeBytes(segment, at, length);
            copied += copy.readableBytes();
        }
        return copied;
    }
}
