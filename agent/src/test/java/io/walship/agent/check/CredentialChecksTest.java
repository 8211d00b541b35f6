package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.ca.CredentialFiles;
import io.walship.agent.config.AgentConfig;
import io.walship.protocol.CheckItem;
import io.walship.protocol.PemCredentials;
import io.walship.testing.AgentConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent's TLS files as walship check sees them, made by walship's own CA. */
class CredentialChecksTest {

    private static final String OTHER_USER = "nobody";

    @TempDir
    Path dir;

    private final CertificateAuthority authority = new CertificateAuthority();
    private Path caDir;
    private CredentialFiles agent;

    @BeforeEach
    void issueAClientCertificate() throws Exception {
        caDir = dir.resolve("ca");
        authority.init(caDir);
        agent = authority.issue(caDir, "pg1", List.of());
    }

    @Test
    void theFilesWalshipCaIssuedPass() throws Exception {
        List<CheckItem> items = checks(agent.certificate(), agent.privateKey(), Instant.now());

        assertEquals(List.of("ca_file", "cert_file", "key_file"), items.stream().map(CheckItem::name).toList());
        assertTrue(items.stream().allMatch(item -> item.status() == CheckItem.Status.OK), items.toString());
        assertTrue(item(items, "cert_file").detail().startsWith("CN=pg1, a client certificate issued by ca_file"),
                items.toString());
        assertTrue(item(items, "key_file").detail().startsWith("mode 0600, owned by "), items.toString());
    }

    @Test
    void aServerCertificateIsNoClientCertificate() throws Exception {
        CredentialFiles server = authority.issue(caDir, "receiver", List.of("127.0.0.1"));

        CheckItem cert = item(checks(server.certificate(), server.privateKey(), Instant.now()), "cert_file");

        assertEquals(CheckItem.Status.FAILED, cert.status(), cert.toString());
        assertTrue(cert.detail().contains("its extended key usage allows serverAuth, not clientAuth"), cert.detail());
    }

    @Test
    void aCertificateOfAnotherCaFails() throws Exception {
        Path otherCa = dir.resolve("other-ca");
        authority.init(otherCa);
        CredentialFiles foreign = authority.issue(otherCa, "pg1", List.of());

        CheckItem cert = item(checks(foreign.certificate(), foreign.privateKey(), Instant.now()), "cert_file");

        assertEquals(CheckItem.Status.FAILED, cert.status(), cert.toString());
        assertTrue(cert.detail().contains("was not issued by the CA in ca_file"), cert.detail());
    }

    @Test
    void aCaFileGoneSinceTheConfigurationWasReadFailsNamingIt() throws Exception {
        AgentConfig config = config(agent.certificate(), agent.privateKey());
        Path caFile = caDir.resolve(CertificateAuthority.CA_CERTIFICATE);
        Files.delete(caFile);

        CheckItem ca = item(new CredentialChecks(config, Instant.now()).run(), "ca_file");

        assertEquals(CheckItem.Status.FAILED, ca.status(), ca.toString());
        assertTrue(ca.detail().startsWith("cannot read a certificate from " + caFile), ca.detail());
    }

    @Test
    void aCaFileWithoutACertificateFailsNamingIt() throws Exception {
        Path caFile = caDir.resolve(CertificateAuthority.CA_CERTIFICATE);
        Files.writeString(caFile, "not a certificate\n");

        CheckItem ca = item(checks(agent.certificate(), agent.privateKey(), Instant.now()), "ca_file");

        assertEquals(CheckItem.Status.FAILED, ca.status(), ca.toString());
        assertTrue(ca.detail().startsWith("cannot read a certificate from " + caFile), ca.detail());
        assertTrue(ca.detail().endsWith("; copy ca.crt of walship's CA there"), ca.detail());
    }

    @ParameterizedTest
    @CsvSource({"rw-r--r--, 0644", "rw-r-----, 0640"})
    void aKeyOthersMayReadFailsSayingChmod600(String mode, String octal) throws Exception {
        Files.setPosixFilePermissions(agent.privateKey(), PosixFilePermissions.fromString(mode));

        CheckItem key = item(checks(agent.certificate(), agent.privateKey(), Instant.now()), "key_file");

        assertEquals(CheckItem.Status.FAILED, key.status(), key.toString());
        assertEquals(agent.privateKey() + " has mode " + octal + ", others than its owner may read the "
                + "private key; chmod 600 " + agent.privateKey(), key.detail());
    }

    @Test
    void aKeyItsOwnerMayExecuteFailsToo() throws Exception {
        Files.setPosixFilePermissions(agent.privateKey(), PosixFilePermissions.fromString("rwx------"));

        CheckItem key = item(checks(agent.certificate(), agent.privateKey(), Instant.now()), "key_file");

        assertEquals(CheckItem.Status.FAILED, key.status(), key.toString());
        assertEquals(agent.privateKey() + " has mode 0700, more than the 0600 (or stricter) a private key needs; "
                + "chmod 600 " + agent.privateKey(), key.detail());
    }

    @Test
    void aStricterKeyModePasses() throws Exception {
        Files.setPosixFilePermissions(agent.privateKey(), PosixFilePermissions.fromString("r--------"));

        CheckItem key = item(checks(agent.certificate(), agent.privateKey(), Instant.now()), "key_file");

        assertEquals(CheckItem.Status.OK, key.status(), key.toString());
        assertTrue(key.detail().startsWith("mode 0400, "), key.detail());
    }

    /**
     * Only root can give a file away: then the key really belongs to another user. Anyone else checks as if another
     * user ran walship, which makes the key's owner the wrong one just the same.
     */
    @Test
    void aKeyOfAnotherUserFailsSayingChown() throws Exception {
        AgentConfig config = config(agent.certificate(), agent.privateKey());
        String owner = Files.getOwner(agent.privateKey()).getName();
        String runner;
        CredentialChecks checks;
        if (System.getProperty("user.name").equals("root")) {
            UserPrincipal other = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(OTHER_USER);
            Files.setOwner(agent.privateKey(), other);
            owner = OTHER_USER;
            runner = System.getProperty("user.name");
            checks = new CredentialChecks(config, Instant.now());
        } else {
            runner = "not-" + owner;
            checks = new CredentialChecks(config, Instant.now(), runner);
        }

        CheckItem key = item(checks.run(), "key_file");

        assertEquals(CheckItem.Status.FAILED, key.status(), key.toString());
        assertEquals(agent.privateKey() + " belongs to " + owner + ", not to " + runner + ", who runs walship here; "
                + "chown " + runner + " " + agent.privateKey(), key.detail());
    }

    @Test
    void aCertificateExpiringWithin30DaysIsAWarning() throws Exception {
        Instant notAfter = notAfter(agent.certificate());

        CheckItem soon = item(checks(agent.certificate(), agent.privateKey(), notAfter.minus(Duration.ofDays(10))),
                "cert_file");
        CheckItem later = item(checks(agent.certificate(), agent.privateKey(),
                notAfter.minus(CredentialChecks.EXPIRY_WARNING).minusSeconds(60)), "cert_file");

        assertEquals(CheckItem.Status.WARNING, soon.status(), soon.toString());
        assertTrue(soon.detail().contains(" expires on ") && soon.detail().contains(", in 10 days; issue a new one "
                + "with 'walship ca issue --name pg1'"), soon.detail());
        assertEquals(CheckItem.Status.OK, later.status(), later.toString());
    }

    @Test
    void anExpiredCertificateFails() throws Exception {
        Instant notAfter = notAfter(agent.certificate());

        CheckItem cert = item(checks(agent.certificate(), agent.privateKey(), notAfter.plus(Duration.ofDays(1))),
                "cert_file");

        assertEquals(CheckItem.Status.FAILED, cert.status(), cert.toString());
        assertTrue(cert.detail().contains("expired on"), cert.detail());
    }

    private List<CheckItem> checks(Path cert, Path key, Instant now) throws Exception {
        return new CredentialChecks(config(cert, key), now).run();
    }

    private AgentConfig config(Path cert, Path key) throws Exception {
        return AgentConfig.load(AgentConfigFile.forServer("pg", 9433)
                .tls(caDir.resolve(CertificateAuthority.CA_CERTIFICATE), cert, key).writeTo(dir.resolve("walship.conf")));
    }

    private static Instant notAfter(Path cert) throws Exception {
        return PemCredentials.certificates(cert)[0].getNotAfter().toInstant();
    }

    private static CheckItem item(List<CheckItem> items, String name) {
        return items.stream().filter(item -> item.name().equals(name)).findFirst().orElseThrow();
    }
}
