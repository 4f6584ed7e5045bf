package org.jamesexim.arc;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import org.jamesexim.common.HeaderText;

/** A DKIM key record ({@code v=DKIM1; k=rsa; p=...}, RFC 6376 section 3.6.1, RFC 8463), parsed and checked. */
final class PublicKeyRecord {
    /** RSA keys shorter than this are refused (RFC 8301). */
    static final int MIN_RSA_BITS = 1024;
    /**
     * RSA public exponents longer than this are refused (65537 has 17 bits): a verification costs about the square
     * of the modulus times the exponent's length, so a hostile key with a huge exponent would make each check as
     * dear as a signature. OpenSSL applies the same bound to moduli above 3072 bits.
     */
    static final int MAX_RSA_EXPONENT_BITS = 64;

    final String keyType;
    final Object key;
    final int bits;

    private PublicKeyRecord(String keyType, Object key, int bits) {
        this.keyType = keyType;
        this.key = key;
        this.bits = bits;
    }

    /** Thrown for a record that is not a usable key; the message is the reason reported. */
    static final class InvalidKeyException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidKeyException(String message) {
            super(message, null, false, false);
        }
    }

    static PublicKeyRecord parse(String text) throws InvalidKeyException {
        return parse(text, ArcLimits.DEFAULT);
    }

    /** Parses a record of at most {@link ArcLimits#maxTags()} tags and an RSA key of at most {@link ArcLimits#maxRsaKeyBits()}. */
    static PublicKeyRecord parse(String text, ArcLimits limits) throws InvalidKeyException {
        if (text.length() > limits.maxKeyRecordBytes()) {
            throw new InvalidKeyException("key record of " + text.length() + " bytes is larger than "
                    + limits.maxKeyRecordBytes() + " (maxKeyRecordBytes)");
        }
        TagList tags;
        try {
            tags = TagList.parse(text, limits.maxTags());
        } catch (TagList.SyntaxException e) {
            throw new InvalidKeyException("key record syntax: " + e.getMessage());
        }
        String v = tags.get("v");
        if (v != null && (!"DKIM1".equals(v) || !"v".equals(tags.names().get(0)))) {
            throw new InvalidKeyException("key record v= is not DKIM1");
        }
        String h = tags.get("h");
        if (h != null && !listContains(h, "sha256")) {
            throw new InvalidKeyException("key record h= does not allow sha256");
        }
        String s = tags.get("s");
        if (s != null && !listContains(s, "*") && !listContains(s, "email")) {
            throw new InvalidKeyException("key record s= excludes email");
        }
        String k = tags.get("k");
        if (k == null) {
            k = "rsa";
        }
        String p = tags.getCompact("p");
        if (p == null) {
            throw new InvalidKeyException("key record has no p=");
        }
        if (p.isEmpty()) {
            throw new InvalidKeyException("key revoked");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("key record p= is not base64");
        }
        if ("rsa".equals(k)) {
            RSAPublicKey key = rsa(der);
            int bits = key.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new InvalidKeyException("RSA key of " + bits + " bits is too short");
            }
            if (bits > limits.maxRsaKeyBits()) {
                throw new InvalidKeyException("RSA key of " + bits + " bits is longer than " + limits.maxRsaKeyBits()
                        + " (maxRsaKeyBits)");
            }
            if (key.getPublicExponent().bitLength() > MAX_RSA_EXPONENT_BITS) {
                throw new InvalidKeyException("RSA public exponent of " + key.getPublicExponent().bitLength()
                        + " bits is longer than " + MAX_RSA_EXPONENT_BITS + " bits");
            }
            return new PublicKeyRecord("rsa", key, bits);
        }
        if ("ed25519".equals(k)) {
            if (der.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                throw new InvalidKeyException("ed25519 key is not 32 bytes");
            }
            return new PublicKeyRecord("ed25519", new Ed25519PublicKeyParameters(der, 0), 256);
        }
        throw new InvalidKeyException("unknown key type k=" + HeaderText.of(k, 20));
    }

    private static RSAPublicKey rsa(byte[] der) throws InvalidKeyException {
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                PublicKey pk = kf.generatePublic(new X509EncodedKeySpec(der));
                return (RSAPublicKey) pk;
            } catch (java.security.spec.InvalidKeySpecException | ClassCastException e) {
                // some publishers put a bare PKCS#1 RSAPublicKey in p=
                org.bouncycastle.asn1.pkcs.RSAPublicKey k =
                        org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(ASN1Primitive.fromByteArray(der));
                BigInteger mod = k.getModulus();
                return (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(mod, k.getPublicExponent()));
            }
        } catch (Exception e) {
            throw new InvalidKeyException("key record p= is not an RSA public key");
        }
    }

    private static boolean listContains(String colonList, String item) {
        for (String part : colonList.split(":")) {
            if (part.trim().equals(item)) {
                return true;
            }
        }
        return false;
    }
}
