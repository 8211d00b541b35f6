package io.walship.protocol;

import io.walship.protocol.CertificateProblem.Kind;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks behind a refused certificate, each named for what an operator can fix: issued by another CA,
 * outside its validity, issued for the other end, or not naming the host that was dialled. They run once a
 * handshake failed (or the peer refused us), so that a working connection pays nothing for them.
 */
public final class CertificateChecks {

    private static final int DIGITAL_SIGNATURE = 0;
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;
    private static final Map<String, String> USAGE_NAMES = Map.of(
            CertificateRole.CLIENT.usageOid(), CertificateRole.CLIENT.usage(),
            CertificateRole.SERVER.usageOid(), CertificateRole.SERVER.usage(),
            "1.3.6.1.5.5.7.3.3", "codeSigning", "1.3.6.1.5.5.7.3.4", "emailProtection");

    private CertificateChecks() {
    }

    /** The first reason {@code cert} cannot authenticate {@code role} to an end trusting {@code cas} at {@code now}. */
    public static Optional<CertificateProblem> check(X509Certificate cert, List<X509Certificate> cas,
            CertificateRole role, Instant now) {
        String name = commonName(cert);
        if (cas.stream().noneMatch(ca -> issued(ca, cert))) {
            // Every walship CA is "CN=walship CA": the issuer's name only helps when it is another one.
            boolean sameName = cas.stream().anyMatch(ca -> ca.getSubjectX500Principal()
                    .equals(cert.getIssuerX500Principal()));
            return problem(Kind.NOT_FROM_CA, "was not issued by the CA in ca_file" + (sameName ? ""
                    : " (its issuer is " + cert.getIssuerX500Principal().getName() + ")"),
                    "issue one from that CA with '" + issueCommand(role, name, "HOST") + "'");
        }
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            return problem(Kind.EXPIRED, "expired on " + date(cert.getNotAfter()), "issue a new one with '"
                    + issueCommand(role, name, "HOST") + "' and replace both files");
        } catch (CertificateNotYetValidException e) {
            return problem(Kind.NOT_YET_VALID, "is not valid until " + date(cert.getNotBefore()),
                    "check the clocks of this host, the peer and the host that issued it");
        }
        return usage(cert, role, name);
    }

    /** Why {@code cert} does not do for {@code host}; called once the JDK's host name check refused it. */
    public static CertificateProblem wrongHost(X509Certificate cert, String host) {
        List<String> names = subjectAltNames(cert);
        return new CertificateProblem(Kind.WRONG_HOST, "does not name " + host + " (it names "
                + (names.isEmpty() ? "no host at all" : String.join(", ", names)) + ")",
                "set 'receiver' in the agent's configuration to a name it has, or reissue it with '"
                        + issueCommand(CertificateRole.SERVER, commonName(cert), host) + "'");
    }

    public static String commonName(X509Certificate cert) {
        return PeerIdentity.commonName(cert.getSubjectX500Principal().getName()).orElse("NAME");
    }

    private static Optional<CertificateProblem> usage(X509Certificate cert, CertificateRole role, String name) {
        String forWhom = role == CertificateRole.CLIENT
                ? "give the agent a client certificate, issued without --host: '" + issueCommand(role, name, "") + "'"
                : "give the receiver a server certificate, issued with --host: '" + issueCommand(role, name, "HOST")
                        + "'";
        boolean[] keyUsage = cert.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= DIGITAL_SIGNATURE || !keyUsage[DIGITAL_SIGNATURE])) {
            return problem(Kind.WRONG_USAGE, "has a key usage without digitalSignature, which TLS needs", forWhom);
        }
        List<String> usages;
        try {
            usages = cert.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return problem(Kind.WRONG_USAGE, "has an unreadable extended key usage (" + e.getMessage() + ")", forWhom);
        }
        if (usages == null || usages.contains(role.usageOid()) || usages.contains(CertificateRole.ANY_USAGE)) {
            return Optional.empty();
        }
        List<String> named = usages.stream().map(oid -> USAGE_NAMES.getOrDefault(oid, oid)).toList();
        return problem(Kind.WRONG_USAGE, "is no " + (role == CertificateRole.CLIENT ? "client" : "server")
                + " certificate: its extended key usage allows " + String.join(", ", named) + ", not "
                + role.usage(), forWhom);
    }

    private static boolean issued(X509Certificate ca, X509Certificate cert) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> subjectAltNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            for (List<?> entry : all == null ? List.<List<?>>of() : all) {
                Object type = entry.get(0);
                if (type.equals(SAN_DNS) || type.equals(SAN_IP)) {
                    names.add(String.valueOf(entry.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("an unreadable subject alternative name");
        }
        return names;
    }

    private static String issueCommand(CertificateRole role, String name, String host) {
        return "walship ca issue --dir CA_DIR --name " + name
                + (role == CertificateRole.SERVER ? " --host " + host : "");
    }

    private static String date(Date date) {
        return DateTimeFormatter.ISO_INSTANT.format(date.toInstant());
    }

    private static Optional<CertificateProblem> problem(Kind kind, String detail, String remedy) {
        return Optional.of(new CertificateProblem(kind, detail, remedy));
    }
}
