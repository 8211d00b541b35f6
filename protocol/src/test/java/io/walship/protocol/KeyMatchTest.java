package io.walship.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

/** A private key belongs to a certificate exactly when it is the other half of the certified key. */
class KeyMatchTest {

    @Test
    void anEcKeyMatchesItsOwnPublicKeyOnly() throws Exception {
        KeyPair pair = TestCa.ecKeyPair();

        assertTrue(KeyMatch.matches(pair.getPrivate(), pair.getPublic()));
        assertFalse(KeyMatch.matches(pair.getPrivate(), TestCa.ecKeyPair().getPublic()));
    }

    @Test
    void anRsaKeyMatchesItsOwnPublicKeyOnly() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();

        assertTrue(KeyMatch.matches(pair.getPrivate(), pair.getPublic()));
        assertFalse(KeyMatch.matches(pair.getPrivate(), generator.generateKeyPair().getPublic()));
        assertFalse(KeyMatch.matches(pair.getPrivate(), TestCa.ecKeyPair().getPublic()));
    }

    @Test
    void anEcKeyDoesNotMatchAnRsaCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);

        assertFalse(KeyMatch.matches(TestCa.ecKeyPair().getPrivate(), generator.generateKeyPair().getPublic()));
    }
}
