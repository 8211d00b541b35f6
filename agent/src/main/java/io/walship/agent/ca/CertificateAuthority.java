package io.walship.agent.ca;

import io.walship.protocol.KeyMatch;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x509.GeneralName;

/**
 * walship's private certificate authority, kept as PEM files in one directory: {@code ca.crt} and
 * {@code ca.key} for the CA itself, {@code NAME.crt} and {@code NAME.key} for each certificate it issues.
 * Existing files are never overwritten and a certificate never appears without its key (or vice versa).
 */
public final class CertificateAuthority {

    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";

    /** NAME becomes both a file name and the certificate's CN, so it is kept to a portable, unambiguous set. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String CA_NAME = "ca";
    private static final String INIT_HINT = "remove it first or choose another --dir";
    private static final String ISSUE_HINT = "remove it first or choose another --name";

    private final CertificateIssuer issuer;
    private final Clock clock;

    public CertificateAuthority() {
        this(Clock.systemUTC());
    }

    /** For tests: every validity period is computed from {@code clock}. */
    CertificateAuthority(Clock clock) {
        this.clock = clock;
        this.issuer = new CertificateIssuer(clock, new SecureRandom());
    }

    /** Creates {@code dir} (mode 0700) if needed and a new CA in it. */
    public CredentialFiles init(Path dir) throws CaException, IOException, GeneralSecurityException {
        createDirectory(dir);
        CredentialFiles files = new CredentialFiles(dir.resolve(CA_CERTIFICATE), dir.resolve(CA_KEY));
        refuseExisting(files, INIT_HINT);
        KeyPair key = issuer.newKeyPair();
        X509Certificate certificate = issuer.selfSignedCa(key);
        write(dir, files, certificate, key.getPrivate(), INIT_HINT);
        return files;
    }

    /**
     * Issues NAME.crt and NAME.key signed by the CA in {@code dir}: a server certificate for {@code hosts}
     * (DNS names or IP addresses) when there are any, otherwise a client certificate.
     */
    public CredentialFiles issue(Path dir, String name, List<String> hosts)
            throws CaException, IOException, GeneralSecurityException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CaException("--name '" + (name == null ? "" : name) + "' is not valid: use 1 to 64 letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit (it becomes the file name and CN)");
        }
        if (name.equals(CA_NAME)) {
            throw new CaException("--name ca is reserved for the CA's own files; choose another name");
        }
        List<GeneralName> altNames = SubjectAltNames.parse(hosts);
        CredentialFiles files = new CredentialFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        refuseExisting(files, ISSUE_HINT);
        X509Certificate caCertificate = loadCaCertificate(dir);
        PrivateKey caKey = loadCaKey(dir, caCertificate);
        KeyPair key = issuer.newKeyPair();
        X509Certificate certificate = issuer.leaf(caCertificate, caKey, name, altNames, key.getPublic());
        write(dir, files, certificate, key.getPrivate(), ISSUE_HINT);
        return files;
    }

    private static void createDirectory(Path dir) throws CaException, IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CaException(dir + " exists and is not a directory; choose another --dir");
        }
        // The CA key will live here, so a directory created for it is private to its owner.
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Checked before any key is generated, so that the common mistake fails fast with a clear message. */
    private static void refuseExisting(CredentialFiles files, String hint) throws CaException {
        for (Path path : List.of(files.certificate(), files.privateKey())) {
            if (Files.exists(path) || Files.isSymbolicLink(path)) {
                throw alreadyExists(path.toString(), hint);
            }
        }
    }

    private static CaException alreadyExists(String path, String hint) {
        return new CaException(path + " already exists; refusing to overwrite it (" + hint + ")");
    }

    private static void write(Path dir, CredentialFiles files, X509Certificate certificate, PrivateKey key,
            String hint) throws CaException, IOException {
        try {
            NoClobberWriter.writeAll(dir, List.of(
                    new NoClobberWriter.NewFile(files.certificate(), PemFiles.encodeCertificate(certificate), false),
                    new NoClobberWriter.NewFile(files.privateKey(), PemFiles.encodePrivateKey(key), true)));
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(e.getFile(), hint);
        }
    }

    private X509Certificate loadCaCertificate(Path dir) throws CaException, IOException {
        Path file = dir.resolve(CA_CERTIFICATE);
        if (!Files.exists(file)) {
            throw new CaException(file + " not found; create the CA first with: walship ca init --dir " + dir);
        }
        X509Certificate certificate = PemFiles.readCertificate(file);
        if (certificate.getBasicConstraints() < 0) {
            throw new CaException(file + " is not a CA certificate; point --dir at the directory of 'walship ca init'");
        }
        Date now = Date.from(clock.instant());
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new CaException(file + " expired on " + certificate.getNotAfter().toInstant()
                    + "; create a new CA with 'walship ca init' in another directory and reissue all certificates", e);
        } catch (CertificateNotYetValidException e) {
            throw new CaException(file + " is not valid before " + certificate.getNotBefore().toInstant()
                    + "; check this machine's clock", e);
        }
        return certificate;
    }

    private static PrivateKey loadCaKey(Path dir, X509Certificate certificate)
            throws CaException, IOException, GeneralSecurityException {
        Path file = dir.resolve(CA_KEY);
        if (!Files.exists(file)) {
            throw new CaException(file + " not found; run issue on the machine and in the directory where "
                    + "'walship ca init' created the CA key");
        }
        PrivateKey key = PemFiles.readPrivateKey(file);
        if (!key.getAlgorithm().equals("EC")) {
            throw new CaException(file + " is a " + key.getAlgorithm() + " key; walship's CA signs with an EC key "
                    + "as created by 'walship ca init'");
        }
        if (!KeyMatch.matches(key, certificate.getPublicKey())) {
            throw new CaException(file + " does not belong to " + dir.resolve(CA_CERTIFICATE)
                    + "; restore the matching pair from 'walship ca init'");
        }
        return key;
    }
}
