package io.walship.receiver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReceiverLimits;
import io.walship.receiver.config.ServerDirectories;
import io.walship.receiver.config.XlogDbGeneration;
import io.walship.receiver.metrics.ReceiverMetrics;
import io.walship.receiver.metrics.ReceiverStatus;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.barman.BarmanStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads through the receiver's upload handler into a real Barman store, frame by frame, as a client sends them.
 * Replies are held rather than written, as on a real connection, where the frames read before a reply is on the wire
 * (and the connection closed after it) are still handled.
 */
class UploadHandlerTest {

    private static final String SERVER = "pg";
    private static final String HISTORY = "00000002.history";
    private static final byte[] CONTENT = "1\t0/3000000\tno recovery target specified\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long MTIME = 1_700_000_000_000_000_000L;

    @TempDir
    Path home;
    private EmbeddedChannel channel;
    private BarmanStore store;
    private final ReceiverMetrics metrics = new ReceiverMetrics(List.of(SERVER), List.of(), Clock.systemUTC());
    private final Deque<Object> replies = new ArrayDeque<>();

    @BeforeEach
    void connection() {
        BarmanServer pg = new BarmanServer(SERVER, Set.of(), Compression.NONE, "test",
                ServerDirectories.defaults(home, SERVER), XlogDbGeneration.WALS_XLOG_DB);
        store = new BarmanStore(ConfiguredServers.of(List.of(pg)), Duration.ofSeconds(10), metrics);
        channel = connect(new Admission(ReceiverLimits.DEFAULTS), replies);
    }

    /** A connection of its own to the one store, answering into {@code into}. */
    private EmbeddedChannel connect(Admission admission, Deque<Object> into) {
        ChannelOutboundHandlerAdapter held = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                into.add(msg);
            }
        };
        return new EmbeddedChannel(held, new UploadHandler(store, admission, metrics), new FailureHandler(metrics));
    }

    @Test
    void anUploadPastTheClientsLimitIsAnsweredBusyAndTheNextOneOnceASlotIsFreeIsStored() throws IOException {
        Admission oneEach = new Admission(new ReceiverLimits(10, 10, 10, 1, Duration.ofSeconds(60)));
        Deque<Object> otherReplies = new ArrayDeque<>();
        EmbeddedChannel first = connect(oneEach, replies);
        EmbeddedChannel second = connect(oneEach, otherReplies);
        first.writeInbound(put(), data(0, 10));

        second.writeInbound(put(), data(0, CONTENT.length), end());
        Reply busy = (Reply) otherReplies.poll();
        assertEquals(ReplyCode.BUSY, busy.code());
        assertTrue(busy.message().contains("max_uploads_per_client"), busy.message());
        assertNull(otherReplies.poll(), "its frames are skipped without an answer");

        first.writeInbound(data(10, CONTENT.length), end());
        assertEquals(ReplyCode.STORED, nextReply(first, replies).code());
        second.writeInbound(put(), data(0, CONTENT.length), end());
        assertEquals(ReplyCode.ALREADY_STORED, nextReply(second, otherReplies).code(),
                "the slot came back with the reply");
    }

    @Test
    void anUploadThatSendsNothingForTheIdleTimeoutIsDroppedAndItsTempFileRemoved() throws IOException {
        channel = connect(new Admission(new ReceiverLimits(10, 10, 10, 10, Duration.ofSeconds(1))), replies);
        channel.writeInbound(put(), data(0, 10));
        assertEquals(1, hiddenFiles().size(), "the upload's temp file, while it is open");

        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1500));
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        Reply dropped = (Reply) replies.poll();
        assertEquals(ReplyCode.FAILED, dropped.code());
        assertTrue(dropped.message().contains("sent nothing for 1 s (upload_idle_timeout)"), dropped.message());
        assertFalse(channel.isOpen(), "closed");
        assertEquals(List.of(), hiddenFiles());
    }

    @Test
    void anUploadIsStoredAndAnswered() throws IOException {
        channel.writeInbound(put(), data(0, 10), data(10, CONTENT.length), end());

        assertEquals(ReplyCode.STORED, nextReply().code());
        assertTrue(Files.isRegularFile(wals().resolve(HISTORY)));
    }

    @Test
    void aRequestInTheMiddleOfAnUploadDropsTheUploadBeforeItsEndArrives() throws IOException {
        channel.writeInbound(put(), data(0, 10), new Get(SERVER, HISTORY), data(10, CONTENT.length), end());

        Object reply = nextReply();
        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: GET while an upload is in progress"), reply);
        assertNull(replies.poll(), "one answer, none for the frames after the violation");
        assertEquals(List.of(), walsEntries(), "nothing stored, no temp file left, no xlog.db line");
    }

    @Test
    void anUnexpectedMessageInTheMiddleOfAnUploadDropsItToo() throws IOException {
        channel.writeInbound(put(), data(0, 10), new Reply(ReplyCode.STORED, "not from a client"),
                data(10, CONTENT.length), end());

        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: unexpected Reply message"), nextReply());
        assertNull(replies.poll());
        assertEquals(List.of(), walsEntries());
    }

    @Test
    void aRefusedUploadIsAnsweredItsFramesAreSkippedAndTheNextUploadIsStored() throws IOException {
        channel.writeInbound(new Refused(put(), Rejection.UNAUTHORIZED, "certificate 'x' is not authorized for "
                + "server 'pg'"), data(0, CONTENT.length), end());

        assertEquals(new Reply(ReplyCode.REJECTED, "certificate 'x' is not authorized for server 'pg'"),
                nextReply());
        assertNull(replies.poll(), "the skipped frames get no answer");
        assertFalse(Files.exists(wals().resolve(HISTORY)));

        channel.writeInbound(put(), data(0, CONTENT.length), end());

        assertEquals(ReplyCode.STORED, nextReply().code());
    }

    @Test
    void aLowerCaseNameIsRefusedAndItsFramesAreSkipped() throws IOException {
        channel.writeInbound(new Put(SERVER, "0000000a.history", CONTENT.length, MTIME), data(0, CONTENT.length),
                end());

        Reply reply = nextReply();
        assertEquals(ReplyCode.REJECTED, reply.code());
        assertTrue(reply.message().contains("lower-case"), reply.message());
        assertNull(replies.poll());
        assertEquals(List.of(), walsEntries());
    }

    @Test
    void eachReplyIsCountedOnceUnderItsServerWithTheReasonOfARejection() throws IOException {
        channel.writeInbound(put(), data(0, CONTENT.length), end());
        assertEquals(ReplyCode.STORED, nextReply().code());
        channel.writeInbound(put(), data(0, CONTENT.length), end());
        assertEquals(ReplyCode.ALREADY_STORED, nextReply().code());
        channel.writeInbound(new Refused(put(), Rejection.UNAUTHORIZED, "not this one"), data(0, CONTENT.length),
                end());
        assertEquals(ReplyCode.REJECTED, nextReply().code());
        channel.writeInbound(new Put(SERVER, "0000000a.history", CONTENT.length, MTIME), data(0, CONTENT.length),
                end());
        assertEquals(ReplyCode.REJECTED, nextReply().code());
        channel.writeInbound(new Put("nobody", HISTORY, CONTENT.length, MTIME), data(0, CONTENT.length), end());
        assertEquals(ReplyCode.REJECTED, nextReply().code());

        ReceiverStatus.Server pg = metrics.status().servers().get(SERVER);
        assertEquals(Map.of("stored", 1L, "already_stored", 1L, "conflict", 0L, "rejected", 2L, "busy", 0L,
                "failed", 0L), pg.uploads());
        assertEquals(Map.of("unauthorized", 1L, "bad_name", 1L), pg.rejected());
        assertEquals(4L * CONTENT.length, pg.receivedBytes(), "every DATA byte, those of refused uploads too");
        assertEquals(Files.size(wals().resolve(HISTORY)), pg.storedBytes(), "the one file stored");
        assertTrue(pg.lastStored() != null, "the time of the one file stored");
        ReceiverStatus.Server unknown = metrics.status().servers().get(ReceiverMetrics.UNKNOWN_SERVER);
        assertEquals(Map.of("rejected", 1L), unknown.uploads(), "a server the receiver does not have is no label");
        assertEquals(Map.of("unknown_server", 1L), unknown.rejected());
    }

    /** The protocol error closes the connection, so the upload it followed is answered first. */
    @Test
    void aRequestBeforeTheReplyToTheLastUploadIsAProtocolErrorAndTheFileIsStillStored() throws IOException {
        // The store indexes on a thread of its own and answers through the channel's tasks, which only run below.
        channel.writeInbound(put(), data(0, CONTENT.length), end(), new Get(SERVER, HISTORY));

        assertEquals(ReplyCode.STORED, nextReply().code(), "the upload it followed is stored and answered");
        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: GET before the reply to the previous upload"),
                nextReply());
        assertTrue(Files.isRegularFile(wals().resolve(HISTORY)));
    }

    /** The next reply, once the store's answer (from a thread of its own) has run on the channel. */
    private Reply nextReply() {
        return nextReply(channel, replies);
    }

    private static Reply nextReply(EmbeddedChannel on, Deque<Object> from) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (from.isEmpty() && System.nanoTime() - deadline < 0) {
            on.runPendingTasks();
            if (from.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        return (Reply) from.poll();
    }

    private static Put put() {
        return new Put(SERVER, HISTORY, CONTENT.length, MTIME);
    }

    private static Data data(int from, int to) {
        return new Data(Unpooled.wrappedBuffer(Arrays.copyOfRange(CONTENT, from, to)));
    }

    private static End end() {
        CRC32C crc = new CRC32C();
        crc.update(CONTENT);
        return new End((int) crc.getValue());
    }

    private Path wals() {
        return home.resolve(SERVER).resolve("wals");
    }

    private List<Path> hiddenFiles() throws IOException {
        if (!Files.isDirectory(wals())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(wals())) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private List<String> walsEntries() throws IOException {
        if (!Files.isDirectory(wals())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(wals())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
