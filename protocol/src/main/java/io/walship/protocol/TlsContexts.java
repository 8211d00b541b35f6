package io.walship.protocol;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** TLS 1.3 with mutual authentication against one walship CA, for both ends. */
public final class TlsContexts {

    private static final String TLS_1_3 = "TLSv1.3";

    private TlsContexts() {
    }

    public static SslContext receiver(Path certFile, Path keyFile, Path caFile) throws SSLException {
        return SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile())
                .trustManager(caFile.toFile())
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(TLS_1_3)
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /** The receiver's certificate must name the host we dial (checked like HTTPS does). */
    public static SslContext agent(Path certFile, Path keyFile, Path caFile) throws SSLException {
        return SslContextBuilder.forClient()
                .keyManager(certFile.toFile(), keyFile.toFile())
                .trustManager(caFile.toFile())
                .protocols(TLS_1_3)
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }
}
