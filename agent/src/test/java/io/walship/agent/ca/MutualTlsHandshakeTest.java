package io.walship.agent.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Proves that the issued PEM files work as they will be used: loaded by Netty with the JDK provider, in a
 * TLS 1.3 handshake with required client certificates and hostname verification. The handshake runs
 * between two SSLEngines in memory, so no socket or thread is needed.
 */
class MutualTlsHandshakeTest {

    private static final int PORT = 5433;

    @TempDir
    static Path dir;
    @TempDir
    static Path otherDir;

    @BeforeAll
    static void issueCertificates() throws Exception {
        CertificateAuthority ca = new CertificateAuthority();
        ca.init(dir);
        ca.issue(dir, "receiver", List.of("localhost", "127.0.0.1", "::1"));
        ca.issue(dir, "agent1", List.of());
        ca.init(otherDir);
        ca.issue(otherDir, "intruder", List.of());
    }

    private enum Side { CLIENT, SERVER }

    /** The side whose engine rejected the handshake, and why; both null when it succeeded. */
    private record Outcome(Side failed, SSLException error) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "::1"})
    void mutualHandshakeSucceeds(String host) throws Exception {
        SSLEngine client = client(dir, "agent1").newEngine(ByteBufAllocator.DEFAULT, host, PORT);
        SSLEngine server = server().newEngine(ByteBufAllocator.DEFAULT);

        Outcome outcome = handshake(client, server);

        assertNull(outcome.error(), () -> outcome.failed() + ": " + outcome.error());
        assertEquals("TLSv1.3", client.getSession().getProtocol());
        assertEquals("CN=agent1", server.getSession().getPeerPrincipal().getName());
        assertEquals("CN=receiver", client.getSession().getPeerPrincipal().getName());
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() throws Exception {
        SSLEngine client = client(otherDir, "intruder").newEngine(ByteBufAllocator.DEFAULT, "localhost", PORT);

        Outcome outcome = handshake(client, server().newEngine(ByteBufAllocator.DEFAULT));

        assertEquals(Side.SERVER, outcome.failed());
        assertReason(outcome, "PKIX");
    }

    @Test
    void serverCertificateCannotAuthenticateAClient() throws Exception {
        SSLEngine client = client(dir, "receiver").newEngine(ByteBufAllocator.DEFAULT, "localhost", PORT);

        Outcome outcome = handshake(client, server().newEngine(ByteBufAllocator.DEFAULT));

        assertEquals(Side.SERVER, outcome.failed(), "a serverAuth-only certificate is no client certificate");
        assertReason(outcome, "Extended key usage");
    }

    @Test
    void hostNotInTheCertificateIsRefused() throws Exception {
        SSLEngine client = client(dir, "agent1").newEngine(ByteBufAllocator.DEFAULT, "backup.example.com", PORT);

        Outcome outcome = handshake(client, server().newEngine(ByteBufAllocator.DEFAULT));

        assertEquals(Side.CLIENT, outcome.failed());
        assertReason(outcome, "backup.example.com");
    }

    private static void assertReason(Outcome outcome, String expected) {
        assertNotNull(outcome.error());
        assertTrue(String.valueOf(outcome.error().getMessage()).contains(expected), outcome.error().toString());
    }

    private static SslContext server() throws SSLException {
        return SslContextBuilder.forServer(dir.resolve("receiver.crt").toFile(), dir.resolve("receiver.key").toFile())
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3")
                .trustManager(dir.resolve("ca.crt").toFile())
                .clientAuth(ClientAuth.REQUIRE)
                .build();
    }

    private static SslContext client(Path certDir, String name) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3")
                .trustManager(dir.resolve("ca.crt").toFile())
                .keyManager(certDir.resolve(name + ".crt").toFile(), certDir.resolve(name + ".key").toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    /** Shuttles records between the engines until neither can make progress or one of them fails. */
    private static Outcome handshake(SSLEngine client, SSLEngine server) {
        ByteBuffer toServer = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer toClient = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
        ByteBuffer clientApp = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        ByteBuffer serverApp = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
        try {
            client.beginHandshake();
            server.beginHandshake();
        } catch (SSLException e) {
            return new Outcome(Side.CLIENT, e);
        }
        boolean progress = true;
        for (int round = 0; progress && round < 100; round++) {
            try {
                progress = step(client, toClient, toServer, clientApp);
            } catch (SSLException e) {
                return new Outcome(Side.CLIENT, e);
            }
            try {
                progress |= step(server, toServer, toClient, serverApp);
            } catch (SSLException e) {
                return new Outcome(Side.SERVER, e);
            }
        }
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.getHandshakeStatus());
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus());
        return new Outcome(null, null);
    }

    private static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        boolean progress = false;
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
            progress = true;
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
            return progress || result.bytesProduced() > 0 || result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
        }
        // Unwrap whatever arrived, also after this side finished: TLS 1.3 sends tickets and alerts late.
        if (in.position() > 0) {
            in.flip();
            SSLEngineResult result = engine.unwrap(in, app);
            in.compact();
            progress |= result.bytesConsumed() > 0;
        }
        return progress;
    }
}
