package org.jamesexim.arc;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The signing algorithms ARC accepts: {@code rsa-sha256} (JCA, so a native-backed provider installed ahead of
 * the JDK's is used when present) and {@code ed25519-sha256} (RFC 8463: Ed25519 over the SHA-256 of the
 * canonical data, with Bouncy Castle's Ed25519 so that it runs on Java 11). {@code rsa-sha1} is refused.
 */
public enum SignatureAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    SignatureAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The {@code a=} value. */
    public String tag() {
        return tag;
    }

    /** The key record's {@code k=} value. */
    public String keyType() {
        return keyType;
    }

    /** The algorithm for an {@code a=} value, or {@code null} for anything unsupported (including rsa-sha1). */
    public static SignatureAlgorithm fromTag(String a) {
        if ("rsa-sha256".equals(a)) {
            return RSA_SHA256;
        }
        if ("ed25519-sha256".equals(a)) {
            return ED25519_SHA256;
        }
        return null;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Verifies {@code sig} over {@code data} with a key parsed from DNS. */
    boolean verify(Object publicKey, byte[] data, byte[] sig) throws GeneralSecurityException {
        if (this == RSA_SHA256) {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify((PublicKey) publicKey);
            s.update(data);
            return s.verify(sig);
        }
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, (Ed25519PublicKeyParameters) publicKey);
        byte[] hash = sha256().digest(data);
        v.update(hash, 0, hash.length);
        return v.verifySignature(sig);
    }

    /** Signs {@code data} with a private key loaded by {@link SigningKey}. */
    byte[] sign(Object privateKey, byte[] data) throws GeneralSecurityException {
        if (this == RSA_SHA256) {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign((PrivateKey) privateKey);
            s.update(data);
            return s.sign();
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, (Ed25519PrivateKeyParameters) privateKey);
        byte[] hash = sha256().digest(data);
        signer.update(hash, 0, hash.length);
        return signer.generateSignature();
    }
}
