package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK-only PEM reader the TLS contexts are built from. */
class PemCredentialsTest {

    /** A self-signed EC P-256 certificate, CN=t, valid ten years. */
    private static final String CA_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBbjCCAROgAwIBAgIUHmhW/29624fjbEYb7qWsYYeRAbEwCgYIKoZIzj0EAwIw
            DDEKMAgGA1UEAwwBdDAeFw0yNjExMjUxNTAzNDFaFw0zNjExMjIxNTAzNDFaMAwx
            CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARr1Tm11xPQDDwk
            j4LUoHucEzDe6xBiL5jkIiHn5jmNerwC5d1F5SGKwJWZsKlj/eH5D5VQ99ZZEMfX
            ytcFw5Ufo1MwUTAdBgNVHQ4EFgQU0x7yLID2xIVGAHtlacoICmfJCNEwHwYDVR0j
            BBgwFoAU0x7yLID2xIVGAHtlacoICmfJCNEwDwYDVR0TAQH/BAUwAwEB/zAKBggq
            hkjOPQQDAgNJADBGAiEArV59fNceuFLcPBsfOwZnoe8aM2gPS7IvYD8LQlKzd38C
            IQCcp2LAcd80zJbdKdr2hAV2gStcDMe4lcfJHOiXXbZN6A==
            -----END CERTIFICATE-----
            """;

    /** CN=leaf, signed by {@link #CA_CERTIFICATE}. */
    private static final String LEAF_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBFjCBvAIUVtyB3e5Rul65auNW//I4TSytPnIwCgYIKoZIzj0EAwIwDDEKMAgG
            A1UEAwwBdDAeFw0yNjExMjUxNTAzNDFaFw0zNjExMjIxNTAzNDFaMA8xDTALBgNV
            BAMMBGxlYWYwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATsrTS9AgaTxmv/u41Y
            M/rjTDnwyoJLIidzafZQlOfsjb0pTM35YM2VYnOibukQt2JLT+Kyug0uw0VOkd05
            pku1MAoGCCqGSM49BAMCA0kAMEYCIQDVhMhKGU/sfpWUeycLSzeiBeOhzZGM4LIL
            6AGHsRx/mwIhANDe5Lytl0Tkpuj6gcRMZoiyO8NdbpCozmhD5zxEx91m
            -----END CERTIFICATE-----
            """;

    @TempDir
    Path dir;

    @Test
    void readsAnEcKey() throws Exception {
        KeyPair pair = ecKeyPair();
        Path file = write("ec.key", pkcs8(pair.getPrivate()));

        PrivateKey key = PemCredentials.privateKey(file);

        assertEquals("EC", key.getAlgorithm());
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
    }

    @Test
    void readsAnRsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path file = write("rsa.key", pkcs8(pair.getPrivate()));

        PrivateKey key = PemCredentials.privateKey(file);

        assertEquals("RSA", key.getAlgorithm());
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
    }

    @Test
    void readsAKeyAfterOtherText() throws Exception {
        KeyPair pair = ecKeyPair();
        Path file = write("bundle.pem", CA_CERTIFICATE + "Bag Attributes: none\n" + pkcs8(pair.getPrivate()));

        assertArrayEquals(pair.getPrivate().getEncoded(), PemCredentials.privateKey(file).getEncoded());
    }

    @Test
    void aFileWithoutAKeyIsRefusedNamingTheFile() throws Exception {
        Path file = write("client.crt", CA_CERTIFICATE);

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemCredentials.privateKey(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("BEGIN PRIVATE KEY"), e.getMessage());
    }

    @Test
    void aTraditionalEcKeyIsRefusedNamingTheFile() throws Exception {
        Path file = write("sec1.key", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemCredentials.privateKey(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aKeyOfNoKnownAlgorithmIsRefusedNamingTheFile() throws Exception {
        Path file = write("junk.key", "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString("not a key at all".getBytes(StandardCharsets.US_ASCII))
                + "\n-----END PRIVATE KEY-----\n");

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemCredentials.privateKey(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void readsOneCertificate() throws Exception {
        Path file = write("ca.crt", CA_CERTIFICATE);

        X509Certificate[] certificates = PemCredentials.certificates(file);

        assertEquals(1, certificates.length);
        assertEquals("CN=t", certificates[0].getSubjectX500Principal().getName());
    }

    @Test
    void readsAChainOfTwoInFileOrder() throws Exception {
        Path file = write("chain.crt", LEAF_CERTIFICATE + CA_CERTIFICATE);

        X509Certificate[] chain = PemCredentials.certificates(file);

        assertEquals(2, chain.length);
        assertEquals("CN=leaf", chain[0].getSubjectX500Principal().getName());
        assertEquals("CN=t", chain[1].getSubjectX500Principal().getName());
        chain[0].verify(chain[1].getPublicKey());
    }

    @Test
    void anEmptyCertificateFileIsRefusedNamingTheFile() throws Exception {
        Path file = write("empty.crt", "");

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemCredentials.certificates(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anEmptyKeyFileIsRefused() throws Exception {
        Path file = write("empty.key", "");

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemCredentials.privateKey(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
