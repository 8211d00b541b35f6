package io.walship.protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * This end's own certificate, checked against its own ca_file once the peer refused it: the refused end only
 * gets an alert, but walship's two ends share one CA, so most causes show on this side too.
 */
public final class OwnCertificate {

    private OwnCertificate() {
    }

    /** Why key_file cannot go with cert_file, in one line naming both, or empty if it belongs to it. */
    public static Optional<String> keyMismatch(Path certFile, Path keyFile) {
        try {
            return keyMismatch(PemCredentials.privateKey(keyFile), keyFile, PemCredentials.certificates(certFile)[0],
                    certFile);
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** As {@link #keyMismatch(Path, Path)}, for a key and a certificate already read. */
    public static Optional<String> keyMismatch(PrivateKey key, Path keyFile, X509Certificate cert, Path certFile) {
        String problem;
        try {
            if (KeyMatch.matches(key, cert.getPublicKey())) {
                return Optional.empty();
            }
            problem = " does not belong to cert_file ";
        } catch (GeneralSecurityException e) {
            problem = " cannot be checked against cert_file (" + e.getMessage() + ") ";
        }
        return Optional.of("key_file " + keyFile + problem + certFile + " (CN=" + CertificateChecks.commonName(cert)
                + "); use the .key file that 'walship ca issue' wrote together with that .crt file");
    }

    /** What is wrong with cert_file for {@code role}, in one line naming the file, or empty if nothing shows here. */
    public static Optional<String> problem(Path certFile, Path caFile, CertificateRole role) {
        try {
            X509Certificate cert = PemCredentials.certificates(certFile)[0];
            List<X509Certificate> cas = List.of(PemCredentials.certificates(caFile));
            return CertificateChecks.check(cert, cas, role, Instant.now()).map(p -> p.describe("cert_file "
                    + certFile + " (CN=" + CertificateChecks.commonName(cert) + ")"));
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }
}
