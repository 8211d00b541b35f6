package io.walship.agent.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM encoding of certificates and private keys. Keys are written as unencrypted PKCS#8 ("PRIVATE KEY"),
 * the one form that both the JDK and Netty's SslContextBuilder read for any key algorithm. All conversions
 * use the default JCA providers, so the BouncyCastle provider is never registered.
 */
final class PemFiles {

    private PemFiles() {
    }

    static byte[] encodeCertificate(X509Certificate certificate) throws IOException {
        return encode(certificate);
    }

    static byte[] encodePrivateKey(PrivateKey key) throws IOException {
        return encode(new JcaPKCS8Generator(key, null).generate());
    }

    static X509Certificate readCertificate(Path file) throws CaException, IOException {
        String text = read(file);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    return new JcaX509CertificateConverter().getCertificate(holder);
                }
            }
        } catch (CertificateException | IOException e) {
            throw new CaException(file + " is not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
        throw new CaException(file + " contains no PEM certificate (expected a \"BEGIN CERTIFICATE\" block)");
    }

    static PrivateKey readPrivateKey(Path file) throws CaException, IOException {
        String text = read(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                // "openssl ecparam -genkey" puts an EC PARAMETERS block before the key.
                if (item instanceof ASN1ObjectIdentifier) {
                    continue;
                }
                switch (item) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PKCS8EncryptedPrivateKeyInfo _, PEMEncryptedKeyPair _ -> throw new CaException(
                            file + " holds an encrypted private key; walship needs it unencrypted "
                                    + "(protect it with file permissions instead)");
                    default -> throw new CaException(file + " holds a " + item.getClass().getSimpleName()
                            + " where a private key was expected");
                }
            }
        } catch (IOException e) {
            throw new CaException(file + " is not a readable PEM private key (" + e.getMessage() + ")", e);
        }
        throw new CaException(file + " contains no PEM private key (expected a \"BEGIN PRIVATE KEY\" block)");
    }

    /** Reads up front so that I/O errors (missing file, permissions) are not reported as bad PEM. */
    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
