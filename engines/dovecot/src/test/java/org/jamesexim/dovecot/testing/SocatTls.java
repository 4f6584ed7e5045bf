package org.jamesexim.dovecot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;

/**
 * A TLS terminator in front of a Dovecot auth listener: {@code socat OPENSSL-LISTEN -> TCP}. Dovecot 2.3 has no TLS on
 * its auth listener ({@code ssl = yes} there is ignored), so this is how a TLS client is tested against the real
 * service. Makes a self-signed certificate for {@code localhost} / {@code 127.0.0.1} with openssl and a PKCS12 trust
 * store holding it.
 */
public final class SocatTls implements AutoCloseable {
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final Path dir;
    private final int port;
    private final Process process;

    private SocatTls(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts socat on a free port of 127.0.0.1 forwarding to {@code 127.0.0.1:targetPort}. */
    public static SocatTls start(Path dir, int targetPort) throws IOException {
        String socat = Prerequisites.require("socat");
        String openssl = Prerequisites.require("openssl");
        Path key = dir.resolve("tls-key.pem");
        Path cert = dir.resolve("tls-cert.pem");
        RealDovecot.run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key.toString(), "-out", cert.toString());
        Path trust = dir.resolve("trust.p12");
        try (InputStream in = Files.newInputStream(cert); OutputStream out = Files.newOutputStream(trust)) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("dovecot", c);
            ks.store(out, TRUST_STORE_PASSWORD.toCharArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot write trust store: " + e.getMessage(), e);
        }
        int port = RealDovecot.freePort();
        Process p = new ProcessBuilder(socat,
            "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,cert=" + cert + ",key=" + key + ",verify=0",
            "TCP:127.0.0.1:" + targetPort)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("socat.log").toFile()))
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return new SocatTls(dir, port, p);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("socat exited: " + Files.readString(dir.resolve("socat.log")));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        p.destroyForcibly();
        throw new IOException("socat did not listen on 127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String inetSocket() {
        return "127.0.0.1 " + port;
    }

    /** PKCS12 trust store with the socat certificate, password {@link #TRUST_STORE_PASSWORD}. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
