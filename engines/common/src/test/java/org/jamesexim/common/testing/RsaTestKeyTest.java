package org.jamesexim.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsaTestKeyTest {
    @TempDir
    Path dir;

    @Test
    void thePemIsThePrivateKeyAndTheFileIsTheOwnersOnly() throws Exception {
        RsaTestKey k = RsaTestKey.generate(1024);
        String body = k.pem().replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        byte[] der = Base64.getMimeDecoder().decode(body);
        assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der))).isEqualTo(k.keyPair().getPrivate());
        assertThat(k.dkimRecord()).isEqualTo("v=DKIM1; k=rsa; p=" + k.publicKeyBase64());
        Path f = k.writePem(dir.resolve("k.pem"));
        assertThat(Files.readString(f)).isEqualTo(k.pem());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(RsaTestKey.generate(1024).publicKeyBase64()).isNotEqualTo(k.publicKeyBase64());
    }

    @Test
    void thePublicPemIsThePublicKey() throws Exception {
        RsaTestKey k = RsaTestKey.generate(1024);
        String body = k.publicPem().replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
        byte[] der = Base64.getMimeDecoder().decode(body);
        assertThat(KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.X509EncodedKeySpec(der))).isEqualTo(k.keyPair().getPublic());
    }
}
