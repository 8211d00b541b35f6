package io.walship.protocol;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/** TLS 1.3 with mutual authentication against one walship CA, for both ends. */
public final class TlsContexts {

    private static final String TLS_1_3 = "TLSv1.3";

    private TlsContexts() {
    }

    public static SslContext receiver(Path certFile, Path keyFile, Path caFile) throws SSLException {
        return SslContextBuilder.forServer(key(keyFile), certificates(certFile))
                .trustManager(certificates(caFile))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(TLS_1_3)
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /** The receiver's certificate must name the host we dial (checked like HTTPS does). */
    public static SslContext agent(Path certFile, Path keyFile, Path caFile) throws SSLException {
        return SslContextBuilder.forClient()
                .keyManager(key(keyFile), certificates(certFile))
                .trustManager(certificates(caFile))
                .protocols(TLS_1_3)
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
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
