package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real handshakes between the contexts of {@link TlsContexts}, in memory, with each TLS implementation: the end
 * that refuses a certificate names the cause, the refused end gets the alert for it.
 */
class TlsRefusalHandshakeTest {

    private static final int PORT = 5433;

    @TempDir
    static Path dir;
    private static Path caFile;
    private static Path receiverCert;
    private static Path receiverKey;

    @BeforeAll
    static void issueCertificates() throws Exception {
        TestCa ca = new TestCa();
        caFile = ca.writeCertificate(dir.resolve("ca.crt"));
        TestCa.Leaf receiver = ca.issue("receiver", CertificateRole.SERVER, "127.0.0.1");
        receiverCert = receiver.writeCertificate(dir.resolve("receiver.crt"));
        receiverKey = receiver.writeKey(dir.resolve("receiver.key"));
        write(ca.issue("pg-agent", CertificateRole.CLIENT), "pg-agent");
        write(new TestCa().issue("rogue", CertificateRole.CLIENT), "rogue");
        Instant now = Instant.now();
        write(ca.issue("old", CertificateRole.CLIENT, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1))),
                "old");
        write(ca.issue("early", CertificateRole.CLIENT, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(60))),
                "early");
    }

    @AfterEach
    void defaultProvider() {
        System.clearProperty(TlsContexts.PROVIDER_PROPERTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aValidAgentIsAccepted(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "pg-agent", "127.0.0.1");

        assertNull(handshake.serverFailure);
        assertNull(handshake.clientFailure);
        assertTrue(handshake.finished, "expected the handshake to finish");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void anAgentOfAnotherCaIsRefusedForThat(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "rogue", "127.0.0.1");

        assertRefusedByReceiver(handshake, "the client certificate CN=rogue was not issued by the CA in ca_file",
                "not_from_ca");
        assertAlert(handshake.clientFailure, provider.equals("jdk") ? "certificate_unknown" : "unknown_ca");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void anExpiredAgentIsRefusedForThat(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "old", "127.0.0.1");

        assertRefusedByReceiver(handshake, "the client certificate CN=old expired on ", "expired");
        assertAlert(handshake.clientFailure, provider.equals("jdk") ? "certificate_unknown" : "certificate_expired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void anAgentNotYetValidIsRefusedForThat(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "early", "127.0.0.1");

        assertRefusedByReceiver(handshake, "the client certificate CN=early is not valid until ", "not_yet_valid");
        assertAlert(handshake.clientFailure, provider.equals("jdk") ? "certificate_unknown" : "certificate_expired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void aServerCertificateCannotAuthenticateAnAgent(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "receiver", "127.0.0.1");

        assertRefusedByReceiver(handshake, "the client certificate CN=receiver is no client certificate",
                "wrong_usage");
        assertAlert(handshake.clientFailure, provider.equals("jdk") ? "certificate_unknown" : "unsupported_certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void theAgentRefusesAReceiverWithoutTheDialledHost(String provider) throws Exception {
        InMemoryHandshake handshake = handshake(provider, "pg-agent", "localhost");

        assertNotNull(handshake.clientFailure, "expected the agent to refuse the receiver, finished: "
                + handshake.finished + ", receiver: " + handshake.serverFailure);
        assertEquals(Optional.of("the receiver's certificate CN=receiver does not name localhost (it names 127.0.0.1); "
                        + "set 'receiver' in the agent's configuration to a name it has, or reissue it with "
                        + "'walship ca issue --dir CA_DIR --name receiver --host localhost'"),
                TlsFailure.refusedPeerCertificate(handshake.clientFailure));
        assertAlert(handshake.serverFailure, provider.equals("jdk") ? "certificate_unknown" : "bad_certificate");
        assertTrue(TlsFailure.atReceiver(handshake.serverFailure).startsWith("the agent refused this receiver's "
                + "certificate"), TlsFailure.atReceiver(handshake.serverFailure));
        assertEquals("wrong_host", TlsFailure.cause(handshake.clientFailure),
                TlsFailure.messages(handshake.clientFailure));
        assertEquals("peer_refused_certificate", TlsFailure.cause(handshake.serverFailure),
                TlsFailure.messages(handshake.serverFailure));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void theReceiverRefusesAKeyOfAnotherCertificateWhenLoading(String provider) {
        useProvider(provider);

        SSLException e = assertThrows(SSLException.class, () -> TlsContexts.receiver(receiverCert,
                dir.resolve("pg-agent.key"), caFile));

        assertEquals("key_file " + dir.resolve("pg-agent.key") + " does not belong to cert_file " + receiverCert
                + " (CN=receiver); use the .key file that 'walship ca issue' wrote together with that .crt file",
                e.getMessage());
    }

    @Test
    void theAgentOnTheJdksTlsRefusesAKeyOfAnotherCertificateWhenLoading() {
        useProvider("jdk");

        SSLException e = assertThrows(SSLException.class, () -> TlsContexts.agent(dir.resolve("pg-agent.crt"),
                receiverKey, caFile));

        assertTrue(e.getMessage().startsWith("key_file " + receiverKey + " does not belong to cert_file "
                + dir.resolve("pg-agent.crt") + " (CN=pg-agent)"), e.getMessage());
    }

    @Test
    void boringSslRefusesAKeyOfAnotherCertificateBeforeTheAgentSendsIt() throws Exception {
        useProvider("openssl");
        SslContext agentTls = TlsContexts.agent(dir.resolve("pg-agent.crt"), receiverKey, caFile);
        SSLEngine client = agentTls.newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", PORT);
        SSLEngine server = TlsContexts.receiver(receiverCert, receiverKey, caFile).newEngine(ByteBufAllocator.DEFAULT);
        InMemoryHandshake handshake;
        try {
            handshake = new InMemoryHandshake(client, server);
        } finally {
            ReferenceCountUtil.release(client);
            ReferenceCountUtil.release(server);
        }

        assertNotNull(handshake.clientFailure, "expected BoringSSL to refuse the pair");
        assertTrue(TlsFailure.messages(handshake.clientFailure).contains("KEY_VALUES_MISMATCH"),
                TlsFailure.messages(handshake.clientFailure));
        assertTrue(OwnCertificate.keyMismatch(dir.resolve("pg-agent.crt"), receiverKey).isPresent());
        assertEquals(Optional.empty(), OwnCertificate.keyMismatch(receiverCert, receiverKey));
    }

    private static InMemoryHandshake handshake(String provider, String agent, String host) throws Exception {
        useProvider(provider);
        SslContext receiverTls = TlsContexts.receiver(receiverCert, receiverKey, caFile);
        SslContext agentTls = TlsContexts.agent(dir.resolve(agent + ".crt"), dir.resolve(agent + ".key"), caFile);
        SSLEngine client = agentTls.newEngine(ByteBufAllocator.DEFAULT, host, PORT);
        SSLEngine server = receiverTls.newEngine(ByteBufAllocator.DEFAULT);
        try {
            return new InMemoryHandshake(client, server);
        } finally {
            ReferenceCountUtil.release(client);
            ReferenceCountUtil.release(server);
        }
    }

    private static void useProvider(String provider) {
        if (provider.equals("jdk")) {
            System.setProperty(TlsContexts.PROVIDER_PROPERTY, "jdk");
        } else {
            assertTrue(OpenSsl.isAvailable(), () -> "BoringSSL (netty-tcnative) should load on this platform: "
                    + OpenSsl.unavailabilityCause());
        }
    }

    /** The receiver's log line starts with {@code line}; its metrics count the failure as {@code cause}. */
    private static void assertRefusedByReceiver(InMemoryHandshake handshake, String line, String cause) {
        assertNotNull(handshake.serverFailure, "expected the receiver to refuse the agent");
        String logged = TlsFailure.atReceiver(handshake.serverFailure);
        assertTrue(logged.startsWith(line), logged);
        assertEquals(cause, TlsFailure.cause(handshake.serverFailure), TlsFailure.messages(handshake.serverFailure));
    }

    private static void assertAlert(SSLException failure, String alert) {
        assertNotNull(failure, "expected the refused end to fail too");
        assertEquals(Optional.of(new TlsAlert(alert)), TlsFailure.receivedAlert(failure), TlsFailure.messages(failure));
    }

    private static void write(TestCa.Leaf leaf, String name) throws Exception {
        leaf.writeCertificate(dir.resolve(name + ".crt"));
        leaf.writeKey(dir.resolve(name + ".key"));
    }
}
