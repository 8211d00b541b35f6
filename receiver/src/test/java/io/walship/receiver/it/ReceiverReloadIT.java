package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.FileChunks;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverSession;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The receiver as a service, a real process with real TLS: SIGHUP reloads the servers' clients without a restart
 * or a dropped connection, and a file with a mistake leaves it as it runs; the log has a start line, a stop line
 * on SIGTERM, and an ISO-8601 time and a level on every line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverReloadIT {

    private static final String SERVER = "pg";
    private static final Duration LOG_WAIT = Duration.ofSeconds(30);
    private static final int EXIT_REJECTED = 5;
    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2} (INFO|WARNING|SEVERE) \\S.*");

    private final TestBed bed = new TestBed("walship-reload-it-");
    private CaDirectory certs;

    @BeforeAll
    void issueCertificates() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent").issue("newcomer");
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void aClientAddedOnSighupPushesWithoutARestartOverAConnectionOpenedBefore() throws Exception {
        ReceiverConfigFile config = receiverConfig("added").server(SERVER, "pg-agent");
        ReceiverProcess receiver = bed.startReceiver("added", config);
        Path newcomer = agentConfig("added-newcomer", "newcomer", receiver.port());
        Proc.Result before = push(newcomer, history(2));
        assertEquals(EXIT_REJECTED, before.exitCode(), before.describe());

        try (ReceiverClient client = new ReceiverClient(AgentConfig.load(newcomer));
                ReceiverSession session = client.openSession()) {
            int mark = receiver.stderr().length();
            config.server(SERVER, "pg-agent, newcomer").writeTo(bed.resolve("added.conf"));
            receiver.signal("HUP");

            receiver.awaitLogLine(mark, "INFO SIGHUP: reloaded " + bed.resolve("added.conf"), LOG_WAIT);
            receiver.awaitLogLine(mark, "INFO server 'pg': clients newcomer, pg-agent (were pg-agent)", LOG_WAIT);
            Path history = history(3);
            Reply reply = session.put(new Put(SERVER, history.getFileName().toString(), Files.size(history),
                    Files.getLastModifiedTime(history).to(TimeUnit.NANOSECONDS)), new FileChunks(history,
                    Files.size(history)));
            assertEquals(ReplyCode.STORED, reply.code(), reply.message() + receiver.logTail());
            assertTrue(session.isOpen(), "the connection opened before the reload is still open");
        }
        Proc.Result after = push(newcomer, history(4));
        assertEquals(0, after.exitCode(), after.describe() + receiver.logTail());
        assertTrue(receiver.isAlive());
        assertEquals(1, startLines(receiver), "one start, no restart:" + receiver.logTail());
    }

    @Test
    void aFileWithAMistakeOnSighupLeavesTheReceiverAsItRuns() throws Exception {
        ReceiverConfigFile config = receiverConfig("mistake").server(SERVER, "pg-agent");
        ReceiverProcess receiver = bed.startReceiver("mistake", config);
        Path agent = agentConfig("mistake-agent", "pg-agent", receiver.port());
        Path file = bed.resolve("mistake.conf");
        int mark = receiver.stderr().length();
        // It drops pg-agent from the clients, but the file does not load: pg-agent keeps pushing.
        receiverConfig("mistake").set("lock_timout", 30).server(SERVER, "newcomer").writeTo(file);

        receiver.signal("HUP");

        String line = receiver.awaitLogLine(mark, "SIGHUP: ", LOG_WAIT);
        assertTrue(line.contains(" WARNING SIGHUP: " + file + ":"), line);
        assertTrue(line.contains(": unknown key 'lock_timout' in [receiver]; expected one of: "), line);
        assertTrue(line.endsWith("; the receiver goes on as it runs"), line);
        Proc.Result push = push(agent, history(2));
        assertEquals(0, push.exitCode(), push.describe() + receiver.logTail());
        assertTrue(receiver.isAlive());
    }

    @Test
    void theLogHasAStartLineAStopLineAndATimeAndLevelOnEveryLine() throws Exception {
        ReceiverConfigFile config = receiverConfig("lines").server(SERVER, "pg-agent");
        ReceiverProcess receiver = bed.startReceiver("lines", config);
        Path agent = agentConfig("lines-agent", "pg-agent", receiver.port());
        assertEquals(0, push(agent, history(2)).exitCode(), receiver.logTail());
        long pid = receiver.pid();

        int exitCode = receiver.stop();

        assertEquals(0, exitCode, "a receiver stopped by SIGTERM has done what it was asked" + receiver.logTail());
        List<String> lines = receiver.stderr().lines().toList();
        String start = lines.getFirst();
        assertTrue(start.contains(" INFO walship receiver "), start);
        assertTrue(start.contains(", pid " + pid + ", user "), start);
        assertTrue(start.contains(": configuration " + bed.resolve("lines.conf") + ", listen 127.0.0.1:0, TLS by "),
                start);
        assertTrue(start.contains(", lock_timeout 60 s, max_connections 512, "), start);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO listening on 127.0.0.1:" + receiver.port())),
                receiver.logTail());
        assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO stopping on SIGTERM: no new connections")),
                receiver.logTail());
        assertTrue(lines.getLast().endsWith(" INFO stopped on SIGTERM"), receiver.logTail());
        for (String line : lines) {
            assertTrue(LOG_LINE.matcher(line).matches(), "not a log line: " + line);
        }
        assertFalse(lines.stream().anyMatch(l -> l.contains("Exception")), receiver.logTail());
    }

    private ReceiverConfigFile receiverConfig(String name) throws IOException {
        return ReceiverConfigFile.barmanHome(bed.directory("barman-" + name)).tls(certs, "receiver");
    }

    private Path agentConfig(String name, String certificate, int port) throws IOException {
        return AgentConfigFile.forServer(SERVER, port)
                .tls(certs.caCertificate(), certs.certificate(certificate), certs.key(certificate))
                .set("spool_directory", bed.resolve("spool-" + name)).writeTo(bed.resolve(name + ".conf"));
    }

    /** A timeline history file of timeline {@code timeline}, whose parents switched at made-up positions. */
    private Path history(int timeline) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int parent = 1; parent < timeline; parent++) {
            text.append(parent).append('\t').append("0/").append(parent + 2).append("000000\tno recovery target "
                    + "specified\n");
        }
        String name = String.format("%08X.history", timeline);
        Path dir = Files.createDirectories(bed.resolve("histories-" + System.nanoTime()));
        return Files.writeString(dir.resolve(name), text);
    }

    private Proc.Result push(Path agentConfig, Path file) throws IOException {
        return Proc.run(List.of(bed.launcher().executable().toString(), "push", "--config", agentConfig.toString(),
                file.toString(), file.getFileName().toString()), bed.dir(), null, Duration.ofSeconds(60));
    }

    private static long startLines(ReceiverProcess receiver) {
        return receiver.stderr().lines().filter(l -> l.contains(" INFO walship receiver ")).count();
    }
}
