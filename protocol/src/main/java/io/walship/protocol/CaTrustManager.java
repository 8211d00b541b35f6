package io.walship.protocol;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts what the JDK's PKIX trust manager for ca_file trusts, and names the cause when it refuses a peer: the
 * JDK's own words ("PKIX path building failed", or nothing at all behind BoringSSL) do not tell an operator
 * what to fix. The exception it throws carries one line (which certificate, why, what to do) that both TLS
 * implementations keep in the cause chain of the handshake failure, see {@link TlsFailure}.
 */
final class CaTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager pkix;
    private final List<X509Certificate> cas;
    /** The role of the peers this end authenticates. */
    private final CertificateRole peers;
    private final RefusalAlerts alerts;

    CaTrustManager(X509ExtendedTrustManager pkix, List<X509Certificate> cas, CertificateRole peers,
            RefusalAlerts alerts) {
        this.pkix = pkix;
        this.cas = List.copyOf(cas);
        this.peers = peers;
        this.alerts = alerts;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refusal(chain, authType, null, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refusal(chain, authType, engine == null ? null : engine.getPeerHost(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refusal(chain, authType, null, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refusal(chain, authType, null, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            pkix.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refusal(chain, authType, null, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refusal(chain, authType, null, e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /** The refusal of {@code chain}, dialled as {@code host} when this end is the agent, in one line. */
    private CertificateException refusal(X509Certificate[] chain, String authType, String host,
            CertificateException original) {
        if (chain == null || chain.length == 0) {
            return original;
        }
        X509Certificate leaf = chain[0];
        String subject = peers.peerNoun() + " CN=" + CertificateChecks.commonName(leaf);
        Optional<CertificateProblem> problem = CertificateChecks.check(leaf, cas, peers, Instant.now());
        if (problem.isEmpty() && host != null && trustedIgnoringHost(chain, authType)) {
            problem = Optional.of(CertificateChecks.wrongHost(leaf, host));
        }
        return problem.map(p -> alerts.exception(p.describe(subject), p.kind(), original))
                .orElseGet(() -> new CertificateException(subject + " was refused: " + original.getMessage(),
                        original));
    }

    /** The JDK checks the host only when given the engine, so passing without it means the host was the cause. */
    private boolean trustedIgnoringHost(X509Certificate[] chain, String authType) {
        try {
            pkix.checkServerTrusted(chain, authType);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }
}
