package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CertificateProblem.Kind;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each cause of a refused certificate is told apart and said in words an operator can act on. */
class CertificateChecksTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static TestCa ca;
    private static List<X509Certificate> trusted;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = new TestCa();
        trusted = List.of(ca.certificate);
    }

    @Test
    void aValidClientCertificateOfTheCaPasses() throws Exception {
        X509Certificate agent = ca.issue("pg-agent", CertificateRole.CLIENT, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1))).certificate();

        assertEquals(Optional.empty(), CertificateChecks.check(agent, trusted, CertificateRole.CLIENT, NOW));
    }

    @Test
    void aCertificateOfAnotherCaOfTheSameNameIsNotFromTheCa() throws Exception {
        X509Certificate rogue = new TestCa().issue("rogue", CertificateRole.CLIENT).certificate();

        CertificateProblem problem = problem(rogue, CertificateRole.CLIENT, Instant.now());

        assertEquals(Kind.NOT_FROM_CA, problem.kind());
        assertEquals("the client certificate CN=rogue was not issued by the CA in ca_file; issue one from that CA "
                + "with 'walship ca issue --dir CA_DIR --name rogue'", problem.describe("the client certificate CN=rogue"));
    }

    @Test
    void anExpiredCertificateSaysWhenItExpired() throws Exception {
        X509Certificate old = ca.issue("old", CertificateRole.CLIENT, Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z")).certificate();

        CertificateProblem problem = problem(old, CertificateRole.CLIENT, NOW);

        assertEquals(Kind.EXPIRED, problem.kind());
        assertEquals("expired on 2026-01-01T00:00:00Z", problem.detail());
        assertTrue(problem.remedy().contains("walship ca issue --dir CA_DIR --name old"), problem.remedy());
    }

    @Test
    void aCertificateNotYetValidSaysFromWhenAndPointsAtTheClocks() throws Exception {
        X509Certificate early = ca.issue("early", CertificateRole.CLIENT, Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z")).certificate();

        CertificateProblem problem = problem(early, CertificateRole.CLIENT, NOW);

        assertEquals(Kind.NOT_YET_VALID, problem.kind());
        assertEquals("is not valid until 2027-01-01T00:00:00Z", problem.detail());
        assertTrue(problem.remedy().contains("clocks"), problem.remedy());
    }

    @Test
    void aServerCertificateIsNoClientCertificate() throws Exception {
        X509Certificate receiver = ca.issue("receiver", CertificateRole.SERVER, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), "localhost").certificate();

        CertificateProblem problem = problem(receiver, CertificateRole.CLIENT, Instant.now());

        assertEquals(Kind.WRONG_USAGE, problem.kind());
        assertEquals("is no client certificate: its extended key usage allows serverAuth, not clientAuth",
                problem.detail());
        assertTrue(problem.remedy().contains("without --host"), problem.remedy());
    }

    @Test
    void aClientCertificateIsNoServerCertificate() throws Exception {
        X509Certificate agent = ca.issue("pg-agent", CertificateRole.CLIENT).certificate();

        CertificateProblem problem = problem(agent, CertificateRole.SERVER, Instant.now());

        assertEquals(Kind.WRONG_USAGE, problem.kind());
        assertEquals("is no server certificate: its extended key usage allows clientAuth, not serverAuth",
                problem.detail());
        assertTrue(problem.remedy().contains("--host HOST"), problem.remedy());
    }

    @Test
    void aWrongHostListsTheNamesTheCertificateHas() throws Exception {
        X509Certificate receiver = ca.issue("receiver", CertificateRole.SERVER, "localhost", "127.0.0.1")
                .certificate();

        CertificateProblem problem = CertificateChecks.wrongHost(receiver, "backup.example.com");

        assertEquals(Kind.WRONG_HOST, problem.kind());
        assertEquals("does not name backup.example.com (it names localhost, 127.0.0.1)", problem.detail());
        assertTrue(problem.remedy().contains("--name receiver --host backup.example.com"), problem.remedy());
    }

    private static CertificateProblem problem(X509Certificate cert, CertificateRole role, Instant now) {
        return CertificateChecks.check(cert, trusted, role, now).orElseThrow();
    }
}
