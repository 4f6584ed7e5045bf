package org.jamesexim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in JAR's own copy of junixsocket (the unix sockets of DCC and Dovecot) works when loaded the way James
 * loads {@code extensions-jars/}: a separate class loader over the JAR alone. The JAR says {@code Multi-Release: true},
 * so the Java 9+ variants junixsocket ships under {@code META-INF/versions/} are the ones used on Java 11 and later.
 */
class PackJarUnixSocketIT {
    @Test
    void theBundledJunixsocketConnectsFromItsOwnClassLoader(@TempDir Path dir) throws Exception {
        Path jar = Paths.get(System.getProperty("jexim.pack.jar", "../pack/target/james-exim-pack.jar"));
        try (JarFile f = new JarFile(jar.toFile(), true, java.util.zip.ZipFile.OPEN_READ, Runtime.version())) {
            assertThat(f.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(f.isMultiRelease()).isTrue();
            assertThat(f.getEntry("META-INF/versions/9/org/newsclub/net/unix/AFCore.class")).isNotNull();
        }
        Path socket = dir.resolve("echo.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(64);
                    c.read(b);
                    b.flip();
                    String got = StandardCharsets.US_ASCII.decode(b).toString();
                    c.write(StandardCharsets.US_ASCII.encode("echo " + got));
                    return got;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // only the JAR and the JDK: nothing of this JVM's class path (which has junixsocket too)
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Class<?> endpoint = Class.forName("org.jamesexim.common.Endpoint", true, loader);
                Object e = endpoint.getMethod("parse", String.class).invoke(null, socket.toString());
                Method connect = endpoint.getMethod("connect", Duration.class, Duration.class);
                try (Socket s = (Socket) connect.invoke(e, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                    assertThat(s.getClass().getClassLoader()).isSameAs(loader);
                    OutputStream out = s.getOutputStream();
                    out.write("ping".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64];
                    int n = in.read(buf);
                    assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("echo ping");
                }
            }
            assertThat(served.get()).isEqualTo("ping");
        }
    }
}
