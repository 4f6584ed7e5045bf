package org.jamesexim.dovecot.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted TCP peer on 127.0.0.1 for the failure cases a real Dovecot will not produce on demand (stalls, garbage,
 * wrong versions, replies out of order). Records every line it receives. Each accepted connection runs
 * {@link Script#run} on its own thread.
 */
public final class FakeAuthServer implements AutoCloseable {
    /** What the fake does on one connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conn conn) throws IOException;
    }

    /** One accepted connection. */
    public final class Conn {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        /** The next line from the client (recorded), or null at EOF. */
        public String readLine() throws IOException {
            String line = in.readLine();
            if (line != null) {
                received.add(line);
            }
            return line;
        }

        /** Reads lines until one starts with {@code prefix}; returns it (null at EOF). */
        public String readUntil(String prefix) throws IOException {
            String line;
            while ((line = readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            return null;
        }

        public void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The Dovecot 2.3 handshake with PLAIN and LOGIN. */
        public void handshake() throws IOException {
            send("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t1\nCUID\t1\nCOOKIE\tab\nDONE\n");
        }

        public void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public FakeAuthServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    accepted.incrementAndGet();
                    Thread h = new Thread(() -> {
                        try {
                            script.run(new Conn(s));
                        } catch (IOException e) {
                            // connection ended
                        }
                    }, "fake-dovecot-conn");
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-dovecot-accept");
        t.setDaemon(true);
        t.start();
    }

    public String inetSocket() {
        return "127.0.0.1 " + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<String> received() {
        return received;
    }

    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
