package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The alert a peer sent, read from the words of either TLS implementation, and what it says. */
class TlsAlertTest {

    @Test
    void readsTheJdksWords() {
        assertEquals(Optional.of(new TlsAlert("certificate_unknown")),
                TlsAlert.in("Received fatal alert: certificate_unknown"));
    }

    @Test
    void readsBoringSslsWords() {
        assertEquals(Optional.of(new TlsAlert("unknown_ca")),
                TlsAlert.in("error:1000045e:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA"));
        assertEquals(Optional.of(new TlsAlert("bad_certificate")),
                TlsAlert.in("error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE"));
    }

    @Test
    void aMessageWithoutAnAlertHasNone() {
        assertEquals(Optional.empty(), TlsAlert.in("General OpenSslEngine problem"));
        assertEquals(Optional.empty(), TlsAlert.in(null));
    }

    @Test
    void certificateAlertsAreAboutOurCertificateAndOthersAreNot() {
        assertTrue(new TlsAlert("certificate_expired").aboutOurCertificate());
        assertFalse(new TlsAlert("protocol_version").aboutOurCertificate());
    }

    @Test
    void theAlertIsFoundAmongCausesAndSuppressedExceptions() {
        SSLException failure = new SSLHandshakeException("General OpenSslEngine problem");
        SSLException inner = new SSLException("handshake");
        inner.addSuppressed(new SSLException("error:10000415:SSL routines:OPENSSL_internal:"
                + "SSLV3_ALERT_CERTIFICATE_EXPIRED"));
        failure.initCause(inner);

        assertEquals(Optional.of(new TlsAlert("certificate_expired")), TlsFailure.receivedAlert(failure));
    }
}
