package io.walship.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Whether a private key belongs to a certificate. Checked when the files are loaded: in the handshake a
 * mismatch only shows as a signature the peer cannot verify, reported by either end as a bare alert.
 */
public final class KeyMatch {

    private static final byte[] PROBE = "walship key check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    public static boolean matches(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
        if (key instanceof RSAPrivateKey rsa) {
            return certified instanceof RSAPublicKey pub && rsa.getModulus().equals(pub.getModulus());
        }
        // The JDK derives no public key from an EC or EdDSA private one, so a signature is the cheapest proof.
        String algorithm = switch (key) {
            case ECPrivateKey _ -> "SHA256withECDSA";
            case EdECPrivateKey _ -> "EdDSA";
            default -> throw new GeneralSecurityException("cannot check a " + key.getAlgorithm() + " key");
        };
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certified);
        } catch (InvalidKeyException e) {
            return false;
        }
        verifier.update(PROBE);
        return verifier.verify(signature);
    }
}
