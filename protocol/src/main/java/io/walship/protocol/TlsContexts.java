package io.walship.protocol;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** TLS 1.3 with mutual authentication against one walship CA, for both ends. */
public final class TlsContexts {

    private static final String TLS_1_3 = "TLSv1.3";
    /**
     * For the JDK's provider, ChaCha20-Poly1305 first: push and fetch are short JVMs running C1-compiled
     * code, where the JDK's AES-GCM (GHASH in Java, its AES-NI/CLMUL intrinsics are C2's) is about 2.5
     * times slower than ChaCha20-Poly1305; see benchmarks/RESULTS.md, "Start-up (AOT cache)". The AES-GCM
     * suites stay for peers that do not offer ChaCha20. BoringSSL picks its own TLS 1.3 order (AES-GCM
     * where the CPU has AES instructions), all three in native code.
     */
    static final List<String> CIPHERS = List.of("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384");

    private TlsContexts() {
    }

    /** {@code -Dwalship.tls.provider=jdk} keeps to the JDK's TLS even where BoringSSL loads. */
    public static final String PROVIDER_PROPERTY = "walship.tls.provider";

    /**
     * BoringSSL (netty-tcnative) where its native library loads, else the JDK's TLS. Both ends interoperate
     * either way; the native one costs a fraction of the CPU and of the start-up of a short JVM.
     */
    public static SslProvider provider() {
        if ("jdk".equalsIgnoreCase(System.getProperty(PROVIDER_PROPERTY, "").strip())) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public static SslContext receiver(Path certFile, Path keyFile, Path caFile) throws SSLException {
        SslProvider provider = provider();
        return SslContextBuilder.forServer(keyManager(keyFile, certFile, true))
                .trustManager(trustManager(caFile, CertificateRole.CLIENT, provider))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(TLS_1_3)
                .ciphers(CIPHERS)
                .sslProvider(provider)
                .build();
    }

    /** The receiver's certificate must name the host we dial (checked like HTTPS does). */
    public static SslContext agent(Path certFile, Path keyFile, Path caFile) throws SSLException {
        SslProvider provider = provider();
        return SslContextBuilder.forClient()
                .keyManager(keyManager(keyFile, certFile, provider == SslProvider.JDK))
                .trustManager(trustManager(caFile, CertificateRole.SERVER, provider))
                .protocols(TLS_1_3)
                .ciphers(CIPHERS)
                .sslProvider(provider)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    /**
     * With {@code checkPair}, refuses a key that does not belong to the certificate. That costs a short JVM
     * about 100 ms of JDK EC code that BoringSSL otherwise never needs, and BoringSSL refuses such a pair itself
     * (KEY_VALUES_MISMATCH) before it sends anything, so the agent on BoringSSL checks only after a failure.
     */
    private static OwnKeyManager keyManager(Path keyFile, Path certFile, boolean checkPair) throws SSLException {
        PrivateKey key = key(keyFile);
        X509Certificate[] chain = certificates(certFile);
        if (checkPair) {
            Optional<String> mismatch = OwnCertificate.keyMismatch(key, keyFile, chain[0], certFile);
            if (mismatch.isPresent()) {
                throw new SSLException(mismatch.get());
            }
        }
        return new OwnKeyManager(key, chain);
    }

    /** The JDK's PKIX checks against the CAs in {@code caFile}, wrapped to name the cause of a refusal. */
    private static CaTrustManager trustManager(Path caFile, CertificateRole peers, SslProvider provider)
            throws SSLException {
        X509Certificate[] cas = certificates(caFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                store.setCertificateEntry("ca" + i, cas[i]);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager pkix) {
                    return new CaTrustManager(pkix, List.of(cas), peers, RefusalAlerts.of(provider));
                }
            }
            throw new SSLException("the JDK offers no X.509 trust manager for ca_file " + caFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot trust the certificates of " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] certificates(Path file) throws SSLException {
        try {
            return PemCredentials.certificates(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) throws SSLException {
        try {
            return PemCredentials.privateKey(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
    }
}
