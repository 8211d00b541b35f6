package io.walship.protocol;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

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
        return SslContextBuilder.forServer(keyManager(keyFile, certFile))
                .trustManager(certificates(caFile))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(TLS_1_3)
                .ciphers(CIPHERS)
                .sslProvider(provider())
                .build();
    }

    /** The receiver's certificate must name the host we dial (checked like HTTPS does). */
    public static SslContext agent(Path certFile, Path keyFile, Path caFile) throws SSLException {
        return SslContextBuilder.forClient()
                .keyManager(keyManager(keyFile, certFile))
                .trustManager(certificates(caFile))
                .protocols(TLS_1_3)
                .ciphers(CIPHERS)
                .sslProvider(provider())
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    private static OwnKeyManager keyManager(Path keyFile, Path certFile) throws SSLException {
        return new OwnKeyManager(key(keyFile), certificates(certFile));
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
