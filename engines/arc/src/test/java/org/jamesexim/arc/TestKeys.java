package org.jamesexim.arc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Fresh keys for tests, as PEM files and DKIM key records. */
final class TestKeys {
    final String pem;
    final String record;
    final SignatureAlgorithm algorithm;

    private TestKeys(String pem, String record, SignatureAlgorithm algorithm) {
        this.pem = pem;
        this.record = record;
        this.algorithm = algorithm;
    }

    static TestKeys rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            KeyPair kp = g.generateKeyPair();
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) kp.getPrivate();
            byte[] pkcs1 = new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                    k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient())
                    .getEncoded();
            String pem = pem("RSA PRIVATE KEY", pkcs1);
            String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
            return new TestKeys(pem, record, SignatureAlgorithm.RSA_SHA256);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key as PKCS#8 PEM (readable by us, OpenSSL and node). */
    static TestKeys ed25519() {
        try {
            Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(new SecureRandom());
            byte[] pkcs8 = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    new DEROctetString(k.getEncoded())).getEncoded();
            String record = "v=DKIM1; k=ed25519; p="
                    + Base64.getEncoder().encodeToString(k.generatePublicKey().getEncoded());
            return new TestKeys(pem("PRIVATE KEY", pkcs8), record, SignatureAlgorithm.ED25519_SHA256);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    SigningKey signingKey() {
        return SigningKey.parse(pem, "test key");
    }

    /** Writes the PEM to {@code dir/name}, readable by its owner only (ArcSeal refuses a key others can read). */
    Path write(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, pem.getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return p;
    }
}
