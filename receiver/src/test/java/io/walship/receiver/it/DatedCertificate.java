package io.walship.receiver.it;

import io.walship.protocol.PemCredentials;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A client certificate signed with a {@link CaDirectory}'s key like 'walship ca issue' signs one, but valid from and
 * until given instants, which 'walship ca issue' cannot make: expired ones and ones not yet valid.
 */
final class DatedCertificate {

    private DatedCertificate() {
    }

    /** Writes NAME.crt and NAME.key into {@code dir}, returning the certificate. */
    static X509Certificate issue(CaDirectory ca, String name, Instant from, Instant until, Path dir)
            throws IOException, GeneralSecurityException {
        X509Certificate caCertificate = PemCredentials.certificates(ca.caCertificate())[0];
        PrivateKey caKey = PemCredentials.privateKey(ca.caKey());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        X509Certificate certificate;
        try {
            certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    caCertificate, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(from),
                    Date.from(until), new X500Name("CN=" + name), key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + ca.caKey(), e);
        }
        Files.writeString(dir.resolve(name + ".crt"), pem(certificate));
        Files.writeString(dir.resolve(name + ".key"), pem(new PemObject("PRIVATE KEY", key.getPrivate().getEncoded())));
        return certificate;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
