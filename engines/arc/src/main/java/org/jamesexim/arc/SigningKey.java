package org.jamesexim.arc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * A private key for sealing: RSA (at least 1024 bits) or Ed25519. Accepted forms, as Exim's {@code arc_sign}:
 * PEM text ({@code BEGIN RSA PRIVATE KEY} = PKCS#1, {@code BEGIN PRIVATE KEY} = PKCS#8), a bare base64 Ed25519
 * seed of 32 bytes (dkimpy's format), or a file path holding one of these. The key material never appears in
 * exception messages.
 */
public final class SigningKey {
    private final SignatureAlgorithm algorithm;
    private final Object key;
    private final int bits;

    private SigningKey(SignatureAlgorithm algorithm, Object key, int bits) {
        this.algorithm = algorithm;
        this.key = key;
        this.bits = bits;
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public int bits() {
        return bits;
    }

    Object key() {
        return key;
    }

    /**
     * Loads a key from configuration text. {@code "0"}, {@code "false"}, empty or {@code null} mean "do not seal"
     * and give an empty result.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing key material)
     */
    public static Optional<SigningKey> fromConfig(String spec) {
        if (spec == null) {
            return Optional.empty();
        }
        String s = spec.trim();
        if (s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        if (!s.startsWith("-----") && (s.startsWith("/") || s.startsWith("./") || looksLikePath(s))) {
            Path p = Paths.get(s);
            checkPrivate(p);
            try {
                return Optional.of(parse(new String(Files.readAllBytes(p), StandardCharsets.US_ASCII), "file " + p));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read private key file " + p + ": " + e.getMessage(), e);
            }
        }
        return Optional.of(parse(s, "inline key"));
    }

    /**
     * Refuses a key file that anyone but its owner may read or write (group or other permission bits, as
     * {@code chmod 600} clears them); a file system without POSIX permissions is not checked.
     */
    static void checkPrivate(Path p) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read private key file " + p + ": " + e.getMessage(), e);
        }
        EnumSet<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        open.retainAll(perms);
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("private key file " + p + " has mode " + mode(perms)
                    + ": it is readable or writable by group or others; make it readable by James only (chmod 600)");
        }
    }

    private static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission x : perms) {
            m |= 1 << (8 - x.ordinal());
        }
        return String.format("%04o", m);
    }

    private static boolean looksLikePath(String s) {
        if (s.length() > 400 || s.contains("\n")) {
            return false;
        }
        try {
            return Files.isRegularFile(Paths.get(s));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Parses PEM or bare-base64 key text; {@code source} names it in errors. */
    public static SigningKey parse(String text, String source) {
        String t = text.trim();
        try {
            if (t.contains("-----BEGIN")) {
                String type = t.substring(t.indexOf("-----BEGIN ") + 11, t.indexOf("-----", t.indexOf("-----BEGIN ") + 11));
                byte[] der = pemBody(t);
                if (type.equals("RSA PRIVATE KEY")) {
                    return rsa(RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der)), source);
                }
                if (type.equals("PRIVATE KEY")) {
                    AsymmetricKeyParameter p = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der)));
                    if (p instanceof RSAPrivateCrtKeyParameters) {
                        RSAPrivateCrtKeyParameters r = (RSAPrivateCrtKeyParameters) p;
                        return rsa(new RSAPrivateKey(r.getModulus(), r.getPublicExponent(), r.getExponent(), r.getP(),
                                r.getQ(), r.getDP(), r.getDQ(), r.getQInv()), source);
                    }
                    if (p instanceof Ed25519PrivateKeyParameters) {
                        return new SigningKey(SignatureAlgorithm.ED25519_SHA256, p, 256);
                    }
                    throw new IllegalArgumentException(source + ": unsupported private key type (need RSA or Ed25519)");
                }
                throw new IllegalArgumentException(source + ": unsupported PEM type '" + type + "'");
            }
            byte[] raw = Base64.getMimeDecoder().decode(t);
            if (raw.length == Ed25519PrivateKeyParameters.KEY_SIZE) {
                return new SigningKey(SignatureAlgorithm.ED25519_SHA256, new Ed25519PrivateKeyParameters(raw, 0), 256);
            }
            throw new IllegalArgumentException(source + ": not a PEM private key nor a 32-byte base64 Ed25519 seed");
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new IllegalArgumentException(source + ": malformed private key", null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": malformed private key", null);
        }
    }

    private static byte[] pemBody(String pem) {
        StringBuilder b64 = new StringBuilder(pem.length());
        boolean in = false;
        for (String line : pem.split("\r?\n")) {
            String l = line.trim();
            if (l.startsWith("-----BEGIN")) {
                in = true;
            } else if (l.startsWith("-----END")) {
                break;
            } else if (in && !l.contains(":")) {
                b64.append(l);
            }
        }
        return Base64.getDecoder().decode(b64.toString());
    }

    private static SigningKey rsa(RSAPrivateKey k, String source) {
        int bits = k.getModulus().bitLength();
        if (bits < PublicKeyRecord.MIN_RSA_BITS) {
            throw new IllegalArgumentException(source + ": RSA key of " + bits + " bits is too short (minimum 1024)");
        }
        try {
            PrivateKey pk = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(),
                    k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(),
                    k.getExponent2(), k.getCoefficient()));
            return new SigningKey(SignatureAlgorithm.RSA_SHA256, pk, bits);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": RSA key rejected by the JCA provider", null);
        }
    }

    /**
     * The key record to publish for this key at {@code <selector>._domainkey.<domain>} (RFC 6376 3.6.1):
     * {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo, base64>}, or for Ed25519 {@code v=DKIM1; k=ed25519; p=<the 32
     * bytes of the public key, base64>} (RFC 8463). The public half only: nothing of the private key.
     */
    public String dnsRecord() {
        if (algorithm == SignatureAlgorithm.ED25519_SHA256) {
            byte[] pub = ((Ed25519PrivateKeyParameters) key).generatePublicKey().getEncoded();
            return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(pub);
        }
        if (!(key instanceof java.security.interfaces.RSAPrivateCrtKey)) {
            throw new IllegalStateException("RSA key without its public exponent");
        }
        java.security.interfaces.RSAPrivateCrtKey k = (java.security.interfaces.RSAPrivateCrtKey) key;
        try {
            byte[] spki = KeyFactory.getInstance("RSA").generatePublic(
                    new java.security.spec.RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())).getEncoded();
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(spki);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("RSA public key not derivable from the private key", null);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm.tag() + ", " + bits + " bits]";
    }
}
