package org.jamesexim.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A fresh RSA key for the tests of every module (ARC sealing and verifying in the glue, the CLI): its private key as
 * PKCS#8 PEM, the public key as a DKIM key record, and the PEM written as a file only its owner can read (ArcSeal
 * and {@code arc-seal} refuse any other). Plain JDK; the PKCS#1 form some peers want is the ARC engine's tests'.
 */
public final class RsaTestKey {
    private final KeyPair keyPair;

    private RsaTestKey(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    /** A new key of {@code bits} bits. */
    public static RsaTestKey generate(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return new RsaTestKey(g.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public String pem() {
        return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    /** The public key (SubjectPublicKeyInfo), base64: the {@code p=} of its DKIM key record. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(keyPair.getPublic().getEncoded());
    }

    /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}), e.g. for WebAdmin's JWT check. */
    public String publicPem() {
        return pem("PUBLIC KEY", keyPair.getPublic().getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** {@code v=DKIM1; k=rsa; p=...}. */
    public String dkimRecord() {
        return "v=DKIM1; k=rsa; p=" + publicKeyBase64();
    }

    /** Writes {@link #pem()} to {@code file}, mode 0600. */
    public Path writePem(Path file) throws IOException {
        Files.write(file, pem().getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
