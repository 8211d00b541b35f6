package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.protocol.CertificateChecks;
import io.walship.protocol.CertificateProblem;
import io.walship.protocol.CertificateRole;
import io.walship.protocol.CheckItem;
import io.walship.protocol.OwnCertificate;
import io.walship.protocol.PemCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The agent's TLS files, as the running user sees them: readable, the key private, the certificate good. */
final class CredentialChecks {

    /** Time enough to issue and roll out a new certificate before the old one stops archiving. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    /** A private key's mode is 0600 or stricter: any other bit, even the owner's execute, is a mistake to fix. */
    private static final Set<PosixFilePermission> KEY_MODE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final AgentConfig config;
    private final Instant now;
    private final String user;

    CredentialChecks(AgentConfig config, Instant now) {
        this(config, now, System.getProperty("user.name"));
    }

    /** For tests: {@code user} stands for the user running walship, whom the key must belong to. */
    CredentialChecks(AgentConfig config, Instant now, String user) {
        this.config = config;
        this.now = now;
        this.user = user;
    }

    List<CheckItem> run() {
        return List.of(caFile(), certFile(), keyFile());
    }

    private CheckItem caFile() {
        try {
            X509Certificate[] cas = PemCredentials.certificates(config.caFile());
            X509Certificate ca = cas[0];
            if (now.isAfter(ca.getNotAfter().toInstant())) {
                return CheckItem.failed("ca_file", config.caFile() + " expired on " + date(ca.getNotAfter().toInstant())
                        + "; a new CA means new certificates for the receiver and every agent");
            }
            return CheckItem.ok("ca_file", cas.length + " certificate" + (cas.length == 1 ? "" : "s") + ", "
                    + ca.getSubjectX500Principal().getName() + " valid until " + date(ca.getNotAfter().toInstant()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return CheckItem.failed("ca_file", "cannot read a certificate from " + config.caFile() + " ("
                    + e.getMessage() + "); copy ca.crt of walship's CA there");
        }
    }

    private CheckItem certFile() {
        X509Certificate cert;
        List<X509Certificate> cas;
        try {
            cert = PemCredentials.certificates(config.certFile())[0];
            cas = List.of(PemCredentials.certificates(config.caFile()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return CheckItem.failed("cert_file", "cannot read a certificate from " + config.certFile() + " ("
                    + e.getMessage() + "); use the .crt file 'walship ca issue --name NAME' wrote");
        }
        String subject = "cert_file " + config.certFile() + " (CN=" + CertificateChecks.commonName(cert) + ")";
        Optional<CertificateProblem> problem = CertificateChecks.check(cert, cas, CertificateRole.CLIENT, now);
        if (problem.isPresent()) {
            return CheckItem.failed("cert_file", problem.get().describe(subject));
        }
        Instant expiry = cert.getNotAfter().toInstant();
        long days = Duration.between(now, expiry).toDays();
        if (Duration.between(now, expiry).compareTo(EXPIRY_WARNING) < 0) {
            return CheckItem.warning("cert_file", subject + " expires on " + date(expiry) + ", in " + days + " day"
                    + (days == 1 ? "" : "s") + "; issue a new one with 'walship ca issue --name "
                    + CertificateChecks.commonName(cert) + "' and replace cert_file and key_file");
        }
        return CheckItem.ok("cert_file", "CN=" + CertificateChecks.commonName(cert) + ", a client certificate "
                + "issued by ca_file, valid until " + date(expiry) + " (" + days + " days)");
    }

    private CheckItem keyFile() {
        Path key = config.keyFile();
        try {
            String owner = Files.getOwner(key).getName();
            if (!owner.equals(user)) {
                return CheckItem.failed("key_file", key + " belongs to " + owner + ", not to " + user + ", who runs "
                        + "walship here; chown " + user + " " + key);
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
            if (!KEY_MODE.containsAll(permissions)) {
                boolean shared = permissions.stream().anyMatch(GROUP_OR_OTHER::contains);
                return CheckItem.failed("key_file", key + " has mode " + mode(permissions) + (shared
                        ? ", others than its owner may read the private key"
                        : ", more than the 0600 (or stricter) a private key needs") + "; chmod 600 " + key);
            }
            PrivateKey privateKey = PemCredentials.privateKey(key);
            X509Certificate cert = PemCredentials.certificates(config.certFile())[0];
            Optional<String> mismatch = OwnCertificate.keyMismatch(privateKey, key, cert, config.certFile());
            if (mismatch.isPresent()) {
                return CheckItem.failed("key_file", mismatch.get());
            }
            return CheckItem.ok("key_file", "mode " + mode(Files.getPosixFilePermissions(key)) + ", owned by " + owner
                    + ", matches cert_file");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return CheckItem.failed("key_file", "cannot read the private key " + key + " (" + e.getMessage()
                    + "); use the .key file 'walship ca issue' wrote");
        }
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static String date(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
