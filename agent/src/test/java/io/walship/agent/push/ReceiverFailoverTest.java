package io.walship.agent.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.FetchCompression;
import io.walship.agent.config.ReceiverAddresses;
import io.walship.agent.config.WireCompression;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.FileUpload;
import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.net.ReceiverSession;
import io.walship.agent.spool.SpoolLayout;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.TlsContexts;
import io.walship.protocol.WireEncoding;
import io.walship.testing.Cleanup;
import io.walship.testing.LogCapture;
import io.walship.testing.ScriptedReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads through a client of several receivers: a port where nothing listens, then receivers that answer as
 * scripted. What cannot be asked is asked of the next; what is answered stays answered.
 */
class ReceiverFailoverTest {

    private static final String SEGMENT = "000000010000000000000001";
    private static final String NEXT = "000000010000000000000002";

    @TempDir
    static Path certs;

    @TempDir
    Path dir;
    private final Cleanup cleanup = new Cleanup();
    private LogCapture log;
    private InetSocketAddress nowhere;
    private ScriptedReceiver first;
    private ScriptedReceiver second;
    private ReceiverClient client;
    private AgentConfig config;

    @BeforeAll
    static void issueCertificates() throws Exception {
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(certs);
        ca.issue(certs, "receiver", List.of("127.0.0.1"));
        ca.issue(certs, "agent1", List.of());
    }

    @BeforeEach
    void nowhereThenTwoReceivers() throws Exception {
        log = LogCapture.of(ReceiverClient.class);
        try (ServerSocket released = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nowhere = InetSocketAddress.createUnresolved("127.0.0.1", released.getLocalPort());
        }
        first = receiver();
        second = receiver();
        config = new AgentConfig(dir.resolve("walship.conf"), ReceiverAddresses.of(nowhere, at(first), at(second)),
                "pg", certs.resolve("ca.crt"), certs.resolve("agent1.crt"), certs.resolve("agent1.key"), 0,
                new SpoolLayout(dir.resolve("spool/pg")), 1, false, 0, Optional.empty(), Optional.empty(),
                WireCompression.NONE, FetchCompression.NONE);
        client = new ReceiverClient(config);
        cleanup.push(client);
    }

    @AfterEach
    void stopEverything() throws Exception {
        log.close();
        cleanup.closeAll();
    }

    @Test
    void aRefusedConnectionIsTriedOnTheNextReceiverAndSaidInOneLine() throws Exception {
        assertEquals(ReplyCode.STORED, push(SEGMENT).code());

        assertEquals(List.of(SEGMENT), first.puts());
        assertEquals(List.of(), second.puts());
        assertEquals(List.of("WARNING receiver " + text(nowhere) + " unreachable (Connection refused: /"
                + text(nowhere) + "); trying " + text(at(first))), log());
    }

    @Test
    void aBusyReceiverIsPassedOverAndTheNextExchangeStartsWhereTheLastGotThrough() throws Exception {
        first.script.put(SEGMENT, ReplyCode.BUSY);

        assertEquals(ReplyCode.STORED, push(SEGMENT).code());
        assertEquals(ReplyCode.STORED, push(NEXT).code());

        assertEquals(List.of(SEGMENT), first.puts(), "the second push must start at the receiver that stored the first");
        assertEquals(List.of(SEGMENT, NEXT), second.puts());
        assertTrue(log().getLast().startsWith("WARNING receiver " + text(at(first)) + " unreachable (busy: "), log().toString());
    }

    @Test
    void anAnswerIsFinalAndNeverAskedOfAnotherReceiver() throws Exception {
        for (ReplyCode answer : List.of(ReplyCode.CONFLICT, ReplyCode.REJECTED, ReplyCode.FAILED)) {
            first.script.put(SEGMENT, answer);

            assertEquals(answer, push(SEGMENT).code());
        }
        assertEquals(List.of(), second.puts(), "a conflict, a refusal or an error must not be asked elsewhere");
    }

    @Test
    void aSessionOpensOnTheFirstReceiverThatWelcomesIt() throws Exception {
        Path file = Files.write(dir.resolve(SEGMENT), new byte[8192]);

        try (ReceiverSession session = client.openSession();
                FileUpload upload = FileUpload.of(file, Files.size(file), WireEncoding.PLAIN)) {
            assertEquals(ReplyCode.STORED, session.put(new Put("pg", SEGMENT, Files.size(file), 0), upload).code());
        }

        assertEquals(List.of(SEGMENT), first.puts());
        assertEquals(1, log().size(), log().toString());
    }

    @Test
    void withNoReceiverToAskTheFailureNamesEachAddressAndWhy() throws Exception {
        List<InetSocketAddress> all = List.of(nowhere, at(first), at(second));
        first.close();
        second.close();

        ReceiverFailure failure = assertThrows(ReceiverFailure.class, () -> push(SEGMENT));

        assertEquals(ReceiverFailure.Kind.UNREACHABLE, failure.kind());
        for (InetSocketAddress address : all) {
            assertTrue(failure.getMessage().contains(text(address) + " (Connection refused"), failure.getMessage());
        }
        assertEquals(2, log().size(), "one line per failover, none for the last: " + log());
    }

    @Test
    void oneReceiverFailsAsItAlwaysDid() throws Exception {
        InetSocketAddress only = at(first);
        first.close();
        try (ReceiverClient alone = new ReceiverClient(config.onlyReceiver(only))) {
            ReceiverFailure failure = assertThrows(ReceiverFailure.class, () -> alone.run(exchange(SEGMENT)));

            assertTrue(failure.getMessage().startsWith("cannot connect to receiver " + text(only)
                    + " (Connection refused"), failure.getMessage());
        }
        assertEquals(List.of(), log());
    }

    private Reply push(String name) throws Exception {
        return client.run(exchange(name));
    }

    private PushExchange exchange(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.write(file, new byte[8192]);
        }
        return new PushExchange(config, new Put("pg", name, Files.size(file), 0), file);
    }

    private ScriptedReceiver receiver() throws Exception {
        ScriptedReceiver receiver = new ScriptedReceiver(TlsContexts.receiver(certs.resolve("receiver.crt"),
                certs.resolve("receiver.key"), certs.resolve("ca.crt")), 0);
        cleanup.push(receiver);
        return receiver;
    }

    private static InetSocketAddress at(ScriptedReceiver receiver) {
        return InetSocketAddress.createUnresolved("127.0.0.1", receiver.port());
    }

    private static String text(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private List<String> log() {
        return log.lines();
    }
}
