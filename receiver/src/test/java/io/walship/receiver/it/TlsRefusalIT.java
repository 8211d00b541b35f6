package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a certificate can keep an agent out, with a real receiver and the real {@code walship push}, both on
 * BoringSSL and both on the JDK's TLS: the push exits non-zero with one stderr line naming the cause and what to
 * do, and the receiver's log names the cause, the agent's address and, where it has seen it, the certificate's CN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsRefusalIT {

    private static final String SERVER = "pg";
    private static final String HISTORY = "00000002.history";
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);
    private static final int EXIT_USAGE = 2;
    private static final int EXIT_TLS = 4;
    private static final String JDK_TLS = "-Dwalship.tls.provider=jdk";

    private final TestBed bed = new TestBed("walship-tls-it-");
    private final Map<String, ReceiverProcess> receivers = new HashMap<>();
    private CaDirectory certs;
    private CaDirectory rogueCa;
    private Path dated;
    private X509Certificate expired;
    private X509Certificate early;
    private Path history;

    @BeforeAll
    void issueCertificates() throws IOException, GeneralSecurityException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent").issue("other-agent");
        rogueCa = bed.ca("rogue-ca").issue("rogue");
        dated = bed.directory("dated");
        Instant now = Instant.now();
        expired = DatedCertificate.issue(certs, "expired-agent", now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)), dated);
        early = DatedCertificate.issue(certs, "early-agent", now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)), dated);
        history = Files.writeString(bed.resolve(HISTORY), "1\t0/3000000\tno recovery target specified\n");
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aGoodAgentPushes(String provider) throws IOException {
        Proc.Result push = push(provider, agent(provider, "127.0.0.1", certs.certificate("pg-agent"),
                certs.key("pg-agent")));

        assertEquals(0, push.exitCode(), push.describe() + receiver(provider).logTail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aCertificateOfAnotherCa(String provider) throws IOException {
        Path cert = rogueCa.certificate("rogue");
        assertRefused(provider, agent(provider, "127.0.0.1", cert, rogueCa.key("rogue")),
                "the receiver refused this agent's certificate: cert_file " + cert + " (CN=rogue) was not issued by "
                        + "the CA in ca_file; issue one from that CA with 'walship ca issue --dir CA_DIR --name rogue'",
                "the client certificate CN=rogue was not issued by the CA in ca_file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void anExpiredCertificate(String provider) throws IOException {
        String until = date(expired.getNotAfter().toInstant());
        assertRefused(provider, agent(provider, "127.0.0.1", dated.resolve("expired-agent.crt"),
                        dated.resolve("expired-agent.key")),
                "(CN=expired-agent) expired on " + until + "; issue a new one with 'walship ca issue",
                "the client certificate CN=expired-agent expired on " + until);
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aCertificateNotYetValid(String provider) throws IOException {
        String from = date(early.getNotBefore().toInstant());
        assertRefused(provider, agent(provider, "127.0.0.1", dated.resolve("early-agent.crt"),
                        dated.resolve("early-agent.key")),
                "(CN=early-agent) is not valid until " + from + "; check the clocks",
                "the client certificate CN=early-agent is not valid until " + from);
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aServerCertificateAsTheAgents(String provider) throws IOException {
        assertRefused(provider, agent(provider, "127.0.0.1", certs.certificate("receiver"), certs.key("receiver")),
                "(CN=receiver) is no client certificate: its extended key usage allows serverAuth, not clientAuth; "
                        + "give the agent a client certificate, issued without --host",
                "the client certificate CN=receiver is no client certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aReceiverCertificateWithoutTheDialledHost(String provider) throws IOException {
        // The receiver listens on 127.0.0.1, which localhost resolves to, but its certificate names 127.0.0.1 only.
        String alert = provider.equals("jdk") ? "certificate_unknown" : "bad_certificate";
        assertRefused(provider, agent(provider, "localhost", certs.certificate("pg-agent"), certs.key("pg-agent")),
                "the receiver's certificate CN=receiver does not name localhost (it names 127.0.0.1); set 'receiver' "
                        + "in the agent's configuration to a name it has, or reissue it with 'walship ca issue --dir "
                        + "CA_DIR --name receiver --host localhost'",
                "the agent refused this receiver's certificate, cert_file (alert " + alert + ":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aKeyOfAnotherCertificateAtTheAgent(String provider) throws IOException {
        Path config = agent(provider, "127.0.0.1", certs.certificate("pg-agent"), certs.key("other-agent"));

        Proc.Result push = push(provider, config);

        assertEquals(EXIT_USAGE, push.exitCode(), push.describe());
        assertOneLine(push, "key_file " + certs.key("other-agent") + " does not belong to cert_file "
                + certs.certificate("pg-agent") + " (CN=pg-agent); use the .key file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"boringssl", "jdk"})
    void aKeyOfAnotherCertificateAtTheReceiver(String provider) throws IOException {
        Path barman = bed.directory("barman-mismatched-" + provider);
        Path config = ReceiverConfigFile.barmanHome(barman).tls(certs, "receiver").set("key_file", certs.key("pg-agent"))
                .server(SERVER, "pg-agent").writeTo(bed.resolve("mismatched-" + provider + ".conf"));

        Proc.Result receiver = Proc.run(command(provider, "receiver", "--config", config.toString()), bed.dir(), null,
                Duration.ofSeconds(60));

        assertNotEquals(0, receiver.exitCode(), receiver.describe());
        assertTrue(receiver.stderr().contains("key_file " + certs.key("pg-agent") + " does not belong to cert_file "
                + certs.certificate("receiver") + " (CN=receiver)"), receiver.describe());
    }

    private void assertRefused(String provider, Path config, String agentSays, String receiverSays)
            throws IOException {
        ReceiverProcess receiver = receiver(provider);
        int logged = receiver.stderr().length();

        Proc.Result push = push(provider, config);

        assertEquals(EXIT_TLS, push.exitCode(), push.describe() + receiver.logTail());
        assertOneLine(push, agentSays);
        String line = awaitLogLine(receiver, logged, receiverSays);
        assertTrue(line.contains("TLS with /127.0.0.1:"), "expected the agent's address in: " + line);
    }

    /** One line on stderr, naming the cause, with no stack trace; the JVM's note on JDK_JAVA_OPTIONS aside. */
    private static void assertOneLine(Proc.Result push, String cause) {
        List<String> lines = push.stderr().lines().filter(l -> !l.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS"))
                .toList();
        assertEquals(1, lines.size(), "expected one line on stderr: " + push.describe());
        assertTrue(lines.getFirst().startsWith("walship push: "), push.describe());
        assertTrue(lines.getFirst().contains(cause), "expected '" + cause + "' in: " + lines.getFirst());
    }

    private static String awaitLogLine(ReceiverProcess receiver, int from, String text) {
        Instant deadline = Instant.now().plus(LOG_TIMEOUT);
        do {
            String log = receiver.stderr();
            for (String line : log.substring(Math.min(from, log.length())).lines().toList()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("expected a receiver log line with '" + text + "'" + receiver.logTail());
    }

    /** The receiver on {@code provider}'s TLS, started at its first use. */
    private ReceiverProcess receiver(String provider) throws IOException {
        ReceiverProcess running = receivers.get(provider);
        if (running == null) {
            Path barman = bed.directory("barman-" + provider);
            Path config = ReceiverConfigFile.barmanHome(barman).tls(certs, "receiver").server(SERVER, "pg-agent")
                    .writeTo(bed.resolve("receiver-" + provider + ".conf"));
            running = bed.closeLater(ReceiverProcess.start(command(provider, "receiver", "--config", config.toString()),
                    bed.resolve("receiver-" + provider + ".stderr"), Duration.ofSeconds(60)));
            receivers.put(provider, running);
        }
        return running;
    }

    private Path agent(String provider, String host, Path cert, Path key) throws IOException {
        Path dir = bed.directory("agents-" + provider);
        Path file = Files.createTempFile(dir, "agent-", ".conf");
        return AgentConfigFile.forServer(SERVER, host, receiver(provider).port())
                .tls(certs.caCertificate(), cert, key).set("spool_directory", dir.resolve("spool"))
                .writeTo(file);
    }

    private Proc.Result push(String provider, Path config) throws IOException {
        return Proc.run(command(provider, "push", "--config", config.toString(), history.toString(), HISTORY),
                bed.dir(), null, Duration.ofSeconds(60));
    }

    /** The launcher, on the JDK's TLS through JDK_JAVA_OPTIONS, which the java launcher reads. */
    private List<String> command(String provider, String... args) {
        List<String> command = new ArrayList<>();
        if (provider.equals("jdk")) {
            command.addAll(List.of("env", "JDK_JAVA_OPTIONS=" + JDK_TLS));
        }
        command.add(bed.launcher().executable().toString());
        command.addAll(List.of(args));
        return command;
    }

    private static String date(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
