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

/** A DKIM key record ({@code v=DKIM1; k=rsa; p=...}, RFC 6376 section 3.6.1, RFC 8463), parsed and checked. */
final class PublicKeyRecord {
    /** RSA keys shorter than this are refused (RFC 8301). */
    static final int MIN_RSA_BITS = 1024;

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
        TagList tags;
        try {
            tags = TagList.parse(text);
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
            return new PublicKeyRecord("rsa", key, bits);
        }
        if ("ed25519".equals(k)) {
            if (der.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                throw new InvalidKeyException("ed25519 key is not 32 bytes");
            }
            return new PublicKeyRecord("ed25519", new Ed25519PublicKeyParameters(der, 0), 256);
        }
        throw new InvalidKeyException("unknown key type k=" + k);
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
