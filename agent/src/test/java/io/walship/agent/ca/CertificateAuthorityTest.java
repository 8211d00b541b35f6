package io.walship.agent.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;
    private static final int KU_DIGITAL_SIGNATURE = 0;
    private static final int KU_KEY_CERT_SIGN = 5;
    private static final int KU_CRL_SIGN = 6;

    @TempDir
    Path tmp;

    private final CertificateAuthority ca = new CertificateAuthority();

    @Test
    void initCreatesCaFilesWithPrivateKeyMode() throws Exception {
        Path dir = tmp.resolve("new/ca");

        CredentialFiles files = ca.init(dir);

        assertEquals(dir.resolve("ca.crt"), files.certificate());
        assertEquals(dir.resolve("ca.key"), files.privateKey());
        assertEquals("rw-------", mode(files.privateKey()));
        assertEquals("rwx------", mode(dir));
        assertTrue(Files.readString(files.certificate()).startsWith("-----BEGIN CERTIFICATE-----"));
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(Set.of("ca.crt", "ca.key"),
                    Set.copyOf(entries.map(p -> p.getFileName().toString()).toList()), "no temporary files left");
        }
    }

    @Test
    void caCertificateIsASelfSignedP256Ca() throws Exception {
        CredentialFiles files = ca.init(tmp);
        X509Certificate cert = TestPem.certificate(files.certificate());

        assertEquals("CN=walship CA", cert.getSubjectX500Principal().getName());
        assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
        cert.verify(cert.getPublicKey());
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        assertEquals("secp256r1", curve(cert));
        assertEquals(0, cert.getBasicConstraints(), "CA with path length 0");
        assertTrue(cert.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        boolean[] usage = cert.getKeyUsage();
        assertTrue(usage[KU_KEY_CERT_SIGN] && usage[KU_CRL_SIGN]);
        assertFalse(usage[KU_DIGITAL_SIGNATURE]);
        assertNotNull(cert.getExtensionValue("2.5.29.14"), "subject key identifier");
        assertTrue(cert.getSerialNumber().signum() > 0);
        assertTrue(cert.getSerialNumber().bitLength() <= 128);
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 3652 && validity.toDays() <= 3653, validity.toString());
        assertTrue(cert.getNotBefore().toInstant().isBefore(Instant.now()));
        assertKeyMatches(TestPem.privateKey(files.privateKey()), cert);
    }

    @Test
    void serialNumbersAreRandom() throws Exception {
        ca.init(tmp);
        BigInteger first = TestPem.certificate(ca.issue(tmp, "a", List.of()).certificate()).getSerialNumber();
        BigInteger second = TestPem.certificate(ca.issue(tmp, "b", List.of()).certificate()).getSerialNumber();
        assertFalse(first.equals(second));
    }

    @Test
    void issuesServerCertificateWithAltNames() throws Exception {
        ca.init(tmp);

        CredentialFiles files = ca.issue(tmp, "receiver",
                List.of("backup.example.com", "localhost", "127.0.0.1", "::1", "[2001:db8::10]", "LOCALHOST"));

        assertEquals(tmp.resolve("receiver.crt"), files.certificate());
        assertEquals(tmp.resolve("receiver.key"), files.privateKey());
        assertEquals("rw-------", mode(files.privateKey()));
        X509Certificate cert = TestPem.certificate(files.certificate());
        assertEquals("CN=receiver", cert.getSubjectX500Principal().getName());
        assertEquals("CN=walship CA", cert.getIssuerX500Principal().getName());
        assertEquals(List.of(
                List.of(SAN_DNS, "backup.example.com"),
                List.of(SAN_DNS, "localhost"),
                List.of(SAN_IP, "127.0.0.1"),
                List.of(SAN_IP, "0:0:0:0:0:0:0:1"),
                List.of(SAN_IP, "2001:db8:0:0:0:0:0:10")), altNames(cert));
        assertEquals(List.of(SERVER_AUTH), cert.getExtendedKeyUsage());
        assertLeafBasics(cert);
        assertChainValid(cert);
        assertKeyMatches(TestPem.privateKey(files.privateKey()), cert);
    }

    @Test
    void issuesClientCertificate() throws Exception {
        ca.init(tmp);

        CredentialFiles files = ca.issue(tmp, "pg-1.main_db", List.of());

        X509Certificate cert = TestPem.certificate(files.certificate());
        assertEquals("CN=pg-1.main_db", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertNull(cert.getSubjectAlternativeNames());
        assertLeafBasics(cert);
        assertChainValid(cert);
        assertKeyMatches(TestPem.privateKey(files.privateKey()), cert);
    }

    @Test
    void chainFromAnotherCaDoesNotValidate() throws Exception {
        Path other = tmp.resolve("other");
        ca.init(tmp);
        ca.init(other);
        X509Certificate foreign = TestPem.certificate(ca.issue(other, "agent", List.of()).certificate());

        assertThrows(CertPathValidatorException.class, () -> assertChainValid(foreign));
    }

    @Test
    void leafNeverOutlivesItsCa() throws Exception {
        Instant nineYearsAgo = Instant.now().minus(Duration.ofDays(9 * 365));
        new CertificateAuthority(Clock.fixed(nineYearsAgo, ZoneOffset.UTC)).init(tmp);
        X509Certificate caCert = TestPem.certificate(tmp.resolve("ca.crt"));

        X509Certificate leaf = TestPem.certificate(ca.issue(tmp, "agent", List.of()).certificate());

        assertEquals(caCert.getNotAfter(), leaf.getNotAfter());
    }

    @Test
    void initRefusesToOverwriteAndLeavesFilesIntact() throws Exception {
        CredentialFiles files = ca.init(tmp);
        byte[] cert = Files.readAllBytes(files.certificate());
        byte[] key = Files.readAllBytes(files.privateKey());

        CaException e = assertThrows(CaException.class, () -> ca.init(tmp));

        assertEquals(tmp.resolve("ca.crt") + " already exists; refusing to overwrite it "
                + "(remove it first or choose another --dir)", e.getMessage());
        assertArrayEquals(cert, Files.readAllBytes(files.certificate()));
        assertArrayEquals(key, Files.readAllBytes(files.privateKey()));
    }

    @Test
    void initRefusesWhenOnlyTheKeyExists() throws Exception {
        Files.writeString(tmp.resolve("ca.key"), "precious");

        CaException e = assertThrows(CaException.class, () -> ca.init(tmp));

        assertTrue(e.getMessage().startsWith(tmp.resolve("ca.key") + " already exists"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("ca.crt")), "no half pair");
        assertEquals("precious", Files.readString(tmp.resolve("ca.key")));
    }

    @Test
    void issueRefusesToOverwriteEitherFile() throws Exception {
        ca.init(tmp);
        Files.writeString(tmp.resolve("agent.key"), "precious");

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertEquals(tmp.resolve("agent.key") + " already exists; refusing to overwrite it "
                + "(remove it first or choose another --name)", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("agent.crt")), "no half pair");
        assertEquals("precious", Files.readString(tmp.resolve("agent.key")));

        Files.delete(tmp.resolve("agent.key"));
        CredentialFiles files = ca.issue(tmp, "agent", List.of());
        byte[] cert = Files.readAllBytes(files.certificate());
        byte[] key = Files.readAllBytes(files.privateKey());
        assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of("localhost")));
        assertArrayEquals(cert, Files.readAllBytes(files.certificate()));
        assertArrayEquals(key, Files.readAllBytes(files.privateKey()));
    }

    @Test
    void refusesDanglingSymlinkAsTarget() throws Exception {
        ca.init(tmp);
        Files.createSymbolicLink(tmp.resolve("agent.crt"), tmp.resolve("elsewhere.crt"));

        assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertFalse(Files.exists(tmp.resolve("elsewhere.crt")));
        assertFalse(Files.exists(tmp.resolve("agent.key")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-flag", "_x", "a/b", "../up", "a b", "a\nb", "é",
            "CN=x,O=y", "a*", "ca"})
    void rejectsBadNames(String name) throws Exception {
        ca.init(tmp);

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, name, List.of()));

        assertTrue(e.getMessage().startsWith("--name"), e.getMessage());
        try (Stream<Path> entries = Files.list(tmp)) {
            assertEquals(2, entries.count(), "nothing written");
        }
    }

    @Test
    void nameLengthLimit() throws Exception {
        ca.init(tmp);
        String longest = "a".repeat(64);

        ca.issue(tmp, longest, List.of());

        assertTrue(Files.exists(tmp.resolve(longest + ".key")));
        assertThrows(CaException.class, () -> ca.issue(tmp, "a".repeat(65), List.of()));
    }

    @Test
    void issueWithoutCaSaysHowToCreateOne() throws Exception {
        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertEquals(tmp.resolve("ca.crt") + " not found; create the CA first with: walship ca init --dir " + tmp,
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("agent.crt")));
        assertFalse(Files.exists(tmp.resolve("agent.key")));
    }

    @Test
    void issueWithoutCaKeyIsRefused() throws Exception {
        ca.init(tmp);
        Files.delete(tmp.resolve("ca.key"));

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertTrue(e.getMessage().startsWith(tmp.resolve("ca.key") + " not found"), e.getMessage());
    }

    @Test
    void issueRefusesMismatchedCaKey() throws Exception {
        Path other = tmp.resolve("other");
        ca.init(tmp);
        ca.init(other);
        Files.delete(tmp.resolve("ca.key"));
        Files.copy(other.resolve("ca.key"), tmp.resolve("ca.key"));

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertTrue(e.getMessage().contains("does not belong to"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("agent.key")));
    }

    @Test
    void issueRefusesLeafAsCa() throws Exception {
        ca.init(tmp);
        ca.issue(tmp, "agent", List.of());
        Path fake = tmp.resolve("fake");
        Files.createDirectory(fake);
        Files.copy(tmp.resolve("agent.crt"), fake.resolve("ca.crt"));
        Files.copy(tmp.resolve("agent.key"), fake.resolve("ca.key"));

        CaException e = assertThrows(CaException.class, () -> ca.issue(fake, "x", List.of()));

        assertTrue(e.getMessage().contains("is not a CA certificate"), e.getMessage());
    }

    @Test
    void issueRefusesExpiredCa() throws Exception {
        new CertificateAuthority(Clock.fixed(Instant.now().minus(Duration.ofDays(11 * 366)), ZoneOffset.UTC))
                .init(tmp);

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertTrue(e.getMessage().contains("expired on"), e.getMessage());
    }

    @Test
    void issueReportsGarbageCaFiles() throws Exception {
        Files.writeString(tmp.resolve("ca.crt"), "not a certificate");
        Files.writeString(tmp.resolve("ca.key"), "not a key");

        CaException e = assertThrows(CaException.class, () -> ca.issue(tmp, "agent", List.of()));

        assertTrue(e.getMessage().startsWith(tmp.resolve("ca.crt") + " contains no PEM certificate"),
                e.getMessage());
    }

    @Test
    void invalidHostIsRejectedBeforeAnythingIsWritten() throws Exception {
        ca.init(tmp);

        CaException e = assertThrows(CaException.class,
                () -> ca.issue(tmp, "receiver", List.of("localhost", "bad_host!")));

        assertTrue(e.getMessage().startsWith("--host bad_host! is neither"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("receiver.crt")));
    }

    @Test
    void initRejectsAFileAsDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        CaException e = assertThrows(CaException.class, () -> ca.init(file));

        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    private void assertLeafBasics(X509Certificate cert) throws Exception {
        X509Certificate caCert = TestPem.certificate(tmp.resolve("ca.crt"));
        cert.verify(caCert.getPublicKey());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        boolean[] usage = cert.getKeyUsage();
        assertTrue(usage[KU_DIGITAL_SIGNATURE]);
        assertFalse(usage[KU_KEY_CERT_SIGN]);
        assertEquals("secp256r1", curve(cert));
        byte[] caKeyId = SubjectKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(caCert.getExtensionValue("2.5.29.14"))).getKeyIdentifier();
        byte[] authorityKeyId = AuthorityKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(cert.getExtensionValue("2.5.29.35"))).getKeyIdentifierOctets();
        assertArrayEquals(caKeyId, authorityKeyId, "AKI matches the CA's SKI");
        assertNotNull(cert.getExtensionValue("2.5.29.14"), "subject key identifier");
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertEquals(Duration.ofDays(825), validity);
        assertTrue(cert.getSerialNumber().signum() > 0);
    }

    private void assertChainValid(X509Certificate leaf) throws Exception {
        X509Certificate caCert = TestPem.certificate(tmp.resolve("ca.crt"));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(caCert, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    static void assertKeyMatches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        byte[] message = "walship".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "private key matches the certificate");
    }

    private static String curve(X509Certificate cert) {
        String params = ((ECPublicKey) cert.getPublicKey()).getParams().toString();
        return params.startsWith("secp256r1") ? "secp256r1" : params;
    }

    private static List<List<?>> altNames(X509Certificate cert) throws GeneralSecurityException {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        return names == null ? List.of() : List.copyOf(names);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
