package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdentityTest {

    /** Self-signed, subject O=walship, CN=pg-agent (only parsed, never trusted). */
    private static final String PG_AGENT_CERT = """
            -----BEGIN CERTIFICATE-----
            MIIBojCCAUegAwIBAgIUDS/ZLF+LH341Th+6lLdoONX/T90wCgYIKoZIzj0EAwIw
            JTEQMA4GA1UECgwHd2Fsc2hpcDERMA8GA1UEAwwIcGctYWdlbnQwIBcNMjYxMTI1
            MTQ0MTM1WhgPMjEyNjExMDExNDQxMzVaMCUxEDAOBgNVBAoMB3dhbHNoaXAxETAP
            BgNVBAMMCHBnLWFnZW50MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExEr9QFVD
            xXCj7i3D5WsTKoFXe34/03Lulv3d9SPu6jRxDa+hzh7EdCa3hkvl5lpBez8iu8I/
            /hzjPTt0HmZrfaNTMFEwHQYDVR0OBBYEFFInJStCwzXvBoIm4d7sC6a/ikQlMB8G
            A1UdIwQYMBaAFFInJStCwzXvBoIm4d7sC6a/ikQlMA8GA1UdEwEB/wQFMAMBAf8w
            CgYIKoZIzj0EAwIDSQAwRgIhAI0/5DcvTb63UH8lShHLb8pKkcsECg7/cSlfSJkx
            JcN5AiEAqEYZguKu0mgUTzKUEyJWoPTBV1yYCMQgr8ws315SIno=
            -----END CERTIFICATE-----
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CN=pg-agent             | pg-agent",
        "CN=a,O=b                | a",
        "O=b,CN=a                | a",
        "cn=lower                | lower",
        "CN=pg-agent,OU=db,O=walship,C=DE | pg-agent",
        "CN=a\\,b,O=c            | a,b",
        "CN=agent 1              | agent 1",
    })
    void commonNameOfADistinguishedName(String dn, String expected) {
        assertEquals(Optional.of(expected), PeerIdentity.commonName(dn));
    }

    @ParameterizedTest
    @ValueSource(strings = {"O=b", "O=walship,C=DE", "", "not a distinguished name", "CN"})
    void noCommonName(String dn) {
        assertEquals(Optional.empty(), PeerIdentity.commonName(dn));
    }

    @Test
    void commonNameOfTheLeafCertificateOfASession() throws Exception {
        Certificate leaf = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(PG_AGENT_CERT.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.of("pg-agent"), PeerIdentity.commonName(session(new Certificate[] {leaf}, false)));
    }

    @Test
    void unverifiedPeerHasNoIdentity() {
        assertEquals(Optional.empty(), PeerIdentity.commonName(session(null, true)));
    }

    @Test
    void emptyChainHasNoIdentity() {
        assertEquals(Optional.empty(), PeerIdentity.commonName(session(new Certificate[0], false)));
    }

    @Test
    void nonX509CertificateHasNoIdentity() {
        Certificate other = new Certificate("other") {
            @Override
            public byte[] getEncoded() {
                return new byte[0];
            }

            @Override
            public void verify(PublicKey key) {
            }

            @Override
            public void verify(PublicKey key, String sigProvider) {
            }

            @Override
            public String toString() {
                return "other";
            }

            @Override
            public PublicKey getPublicKey() {
                return null;
            }
        };
        assertEquals(Optional.empty(), PeerIdentity.commonName(session(new Certificate[] {other}, false)));
    }

    /** A session whose only working method is getPeerCertificates. */
    private static SSLSession session(Certificate[] chain, boolean unverified) {
        return (SSLSession) Proxy.newProxyInstance(PeerIdentityTest.class.getClassLoader(),
                new Class<?>[] {SSLSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getPeerCertificates")) {
                        if (unverified) {
                            throw new SSLPeerUnverifiedException("peer not authenticated");
                        }
                        return chain;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
