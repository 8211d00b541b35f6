package io.walship.agent.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs certificates in memory; knows nothing about files. Keys are EC P-256 and signatures
 * ECDSA with SHA-256, all through the default JCA providers.
 */
final class CertificateIssuer {

    static final String CA_COMMON_NAME = "walship CA";
    static final int CA_VALIDITY_YEARS = 10;
    static final Duration LEAF_VALIDITY = Duration.ofDays(825);
    /** Certificates start slightly in the past so that a host whose clock lags a little still accepts them. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final int SERIAL_BYTES = 16;

    private final Clock clock;
    private final SecureRandom random;

    CertificateIssuer(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    X509Certificate selfSignedCa(KeyPair ca) throws GeneralSecurityException, IOException {
        Instant notBefore = clock.instant().minus(CLOCK_SKEW);
        Instant notAfter = notBefore.atZone(ZoneOffset.UTC).plusYears(CA_VALIDITY_YEARS).toInstant();
        X500Name subject = commonName(CA_COMMON_NAME);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                Date.from(notBefore), Date.from(notAfter), subject, ca.getPublic())
                // Path length 0: this CA signs walship's leaf certificates, never another CA.
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(ca.getPublic()));
        return sign(builder, ca.getPrivate());
    }

    /**
     * Issues a leaf certificate with CN={@code name}. With subject alternative names it is a server
     * certificate (serverAuth only); without, a client certificate (clientAuth only), so that neither
     * kind can stand in for the other.
     */
    X509Certificate leaf(X509Certificate ca, PrivateKey caKey, String name, List<GeneralName> altNames,
            PublicKey leafKey) throws GeneralSecurityException, IOException {
        Instant notBefore = clock.instant().minus(CLOCK_SKEW);
        Instant notAfter = notBefore.plus(LEAF_VALIDITY);
        // A leaf outliving its CA would only fail validation later with a less obvious error.
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        KeyPurposeId purpose = altNames.isEmpty() ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth;
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serialNumber(),
                Date.from(notBefore), Date.from(notAfter), commonName(name), leafKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(leafKey))
                .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca, extensions));
        if (!altNames.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        return sign(builder, caKey);
    }

    /** Copies the CA's own key identifier when it has one, so the chain links up even for a CA made elsewhere. */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate ca, JcaX509ExtensionUtils extensions)
            throws GeneralSecurityException, IOException {
        SubjectKeyIdentifier caKeyId = SubjectKeyIdentifier.fromExtensions(
                new X509CertificateHolder(ca.getEncoded()).getExtensions());
        if (caKeyId == null) {
            return extensions.createAuthorityKeyIdentifier(ca.getPublicKey());
        }
        return new AuthorityKeyIdentifier(caKeyId.getKeyIdentifier());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws GeneralSecurityException {
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with the CA key: " + e.getMessage(), e);
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static X500Name commonName(String name) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    }

    /** Random, positive and non-zero, as RFC 5280 requires; 128 bits keeps serials unguessable and unique. */
    private BigInteger serialNumber() {
        byte[] bytes = new byte[SERIAL_BYTES];
        BigInteger serial;
        do {
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
