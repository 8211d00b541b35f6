package io.walship.protocol;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** A CA made in the test, named "CN=walship CA" like every CA of 'walship ca init', issuing leaves as walship does. */
final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(1);

    final KeyPair key;
    final X509Certificate certificate;

    TestCa() throws GeneralSecurityException, IOException {
        key = ecKeyPair();
        Instant now = Instant.now();
        certificate = sign(new JcaX509v3CertificateBuilder(new X500Name("CN=walship CA"), serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
                new X500Name("CN=walship CA"), key.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)));
    }

    /** A leaf for {@code role} (with {@code hosts} as its names when a server), valid from {@code from} until {@code until}. */
    Leaf issue(String name, CertificateRole role, Instant from, Instant until, String... hosts)
            throws GeneralSecurityException, IOException {
        KeyPair leafKey = ecKeyPair();
        KeyPurposeId purpose = role == CertificateRole.CLIENT ? KeyPurposeId.id_kp_clientAuth
                : KeyPurposeId.id_kp_serverAuth;
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from),
                Date.from(until), new X500Name("CN=" + name), leafKey.getPublic())
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (hosts.length > 0) {
            GeneralName[] names = new GeneralName[hosts.length];
            for (int i = 0; i < hosts.length; i++) {
                names[i] = new GeneralName(Character.isDigit(hosts[i].charAt(0)) ? GeneralName.iPAddress
                        : GeneralName.dNSName, hosts[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new Leaf(leafKey, sign(builder));
    }

    Leaf issue(String name, CertificateRole role, String... hosts) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        return issue(name, role, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), hosts);
    }

    Path writeCertificate(Path file) throws IOException {
        return Files.writeString(file, pem(certificate));
    }

    /** A certificate and its key. */
    record Leaf(KeyPair key, X509Certificate certificate) {

        Path writeCertificate(Path file) throws IOException {
            return Files.writeString(file, pem(certificate));
        }

        Path writeKey(Path file) throws IOException {
            return Files.writeString(file, pem(new PemObject("PRIVATE KEY", key.getPrivate().getEncoded())));
        }
    }

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.getAndIncrement());
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
