package io.walship.receiver.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Message;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.store.barman.BarmanStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads from a real Barman store through the receiver's download handler: what a GET that accepts zstd is
 * answered with depends on how the file is kept, and END always carries the plain file's checksum.
 */
class DownloadHandlerTest {

    private static final String ZSTD_SERVER = "pg";
    private static final String GZIP_SERVER = "pg-gzip";
    private static final String HISTORY = "00000002.history";
    private static final byte[] CONTENT = "1\t0/3000000\tno recovery target specified\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path home;
    private BarmanStore store;
    private final ReceiverMetrics metrics = new ReceiverMetrics(List.of(ZSTD_SERVER, GZIP_SERVER), List.of(),
            Clock.systemUTC());

    @BeforeEach
    void storeAHistoryFileInEachServer() {
        store = new BarmanStore(ConfiguredServers.of(List.of(server(ZSTD_SERVER, Compression.ZSTD),
                server(GZIP_SERVER, Compression.GZIP))), Duration.ofSeconds(10), metrics);
        upload(ZSTD_SERVER);
        upload(GZIP_SERVER);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aGetAcceptingZstdOfAFileStoredZstdIsAnsweredWithTheStoredBytesAndThePlainChecksum() throws Exception {
        List<Message> answer = download(new Get(ZSTD_SERVER, HISTORY, WireEncoding.ZSTD));

        assertEquals(ReplyCode.FOUND_ZSTD, ((Reply) answer.getFirst()).code());
        byte[] sent = dataOf(answer);
        assertArrayEquals(Files.readAllBytes(home.resolve(ZSTD_SERVER).resolve("wals").resolve(HISTORY)), sent,
                "the stored file as it is");
        assertArrayEquals(CONTENT, Zstd.decompress(sent, CONTENT.length));
        assertEquals(crcOf(CONTENT), ((End) answer.getLast()).crc32c());
    }

    @Test
    void aPlainGetOfAFileStoredZstdIsAnsweredWithItsPlainBytes() throws Exception {
        List<Message> answer = download(new Get(ZSTD_SERVER, HISTORY));

        assertEquals(ReplyCode.FOUND, ((Reply) answer.getFirst()).code());
        assertArrayEquals(CONTENT, dataOf(answer));
        assertEquals(crcOf(CONTENT), ((End) answer.getLast()).crc32c());
    }

    @Test
    void aGetAcceptingZstdOfAFileStoredOtherwiseIsAnsweredWithItsPlainBytes() throws Exception {
        List<Message> answer = download(new Get(GZIP_SERVER, HISTORY, WireEncoding.ZSTD));

        assertEquals(ReplyCode.FOUND, ((Reply) answer.getFirst()).code());
        assertArrayEquals(CONTENT, dataOf(answer));
        assertEquals(crcOf(CONTENT), ((End) answer.getLast()).crc32c());
    }

    @Test
    void aGetAcceptingZstdOfAFileNotStoredIsNotFound() throws Exception {
        List<Message> answer = download(new Get(ZSTD_SERVER, "00000009.history", WireEncoding.ZSTD));

        assertEquals(List.of(ReplyCode.NOT_FOUND), answer.stream().map(m -> ((Reply) m).code()).toList());
    }

    /** A file whose first bytes no longer are zstd's goes the plain way, which says how it is damaged. */
    @Test
    void aStoredZstdFileWhoseMagicIsDamagedIsNotSentAsStored() throws Exception {
        Path stored = home.resolve(ZSTD_SERVER).resolve("wals").resolve(HISTORY);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[0] ^= 0x01;
        Files.write(stored, bytes);

        List<Message> answer = download(new Get(ZSTD_SERVER, HISTORY, WireEncoding.ZSTD));

        assertEquals(ReplyCode.FOUND, ((Reply) answer.getFirst()).code());
        Reply failed = (Reply) answer.getLast();
        assertEquals(ReplyCode.FAILED, failed.code());
        assertTrue(failed.message().contains("was stored zstd but now reads as none"), failed.message());
    }

    private BarmanServer server(String name, Compression codec) {
        return new BarmanServer(name, Set.of(), codec, "test", ServerDirectories.defaults(home, name),
                XlogDbGeneration.WALS_XLOG_DB);
    }

    private void upload(String server) {
        Deque<Object> replies = new ArrayDeque<>();
        ChannelOutboundHandlerAdapter held = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                replies.add(msg);
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(held, new UploadHandler(store,
                new Admission(ReceiverLimits.DEFAULTS), metrics), new FailureHandler(metrics));
        channel.writeInbound(new Put(server, HISTORY, CONTENT.length, 1_700_000_000_000_000_000L),
                new Data(Unpooled.wrappedBuffer(CONTENT)), new End(crcOf(CONTENT)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (replies.isEmpty() && System.nanoTime() - deadline < 0) {
            channel.runPendingTasks();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(ReplyCode.STORED, ((Reply) replies.poll()).code(), "stored in " + server);
    }

    /** Everything the handler answers {@code get} with, up to END or a reply that ends it. */
    private List<Message> download(Get get) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new DownloadHandler(store, metrics));
        channel.writeInbound(get);
        List<Message> answer = new ArrayList<>();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            answer.add((Message) out);
        }
        channel.finishAndReleaseAll();
        return answer;
    }

    private static byte[] dataOf(List<Message> answer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Message message : answer) {
            if (message instanceof Data data) {
                bytes.writeBytes(ByteBufUtil.getBytes(data.content()));
                data.release();
            }
        }
        return bytes.toByteArray();
    }

    private static int crcOf(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
