package org.jamesexim.dcc.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A replay fake of dccifd: on 127.0.0.1, reads each request to EOF and answers the bytes it was given (a reply
 * recorded from a real dccifd, {@link DccCaptures}); an empty reply closes without one, as the real daemon did. Keeps
 * what it was sent. One connection at a time is enough for the tests that use it.
 */
public final class DccifdReplay implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private volatile byte[] reply = new byte[0];
    private final List<byte[]> requests = new CopyOnWriteArrayList<>();

    public DccifdReplay() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        thread = new Thread(this::run, "dccifd-replay");
        thread.setDaemon(true);
        thread.start();
    }

    /** The {@code dccifd_address} value: {@code 127.0.0.1 <port>}. */
    public String address() {
        return "127.0.0.1 " + server.getLocalPort();
    }

    /** Answer these bytes from now on (empty: close without a reply). */
    public DccifdReplay answer(byte[] bytes) {
        this.reply = bytes.clone();
        return this;
    }

    public List<byte[]> requests() {
        return requests;
    }

    private void run() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                in.transferTo(got);
                requests.add(got.toByteArray());
                byte[] r = reply;
                if (r.length > 0) {
                    s.getOutputStream().write(r);
                    s.getOutputStream().flush();
                }
            } catch (IOException e) {
                // the client went away, or we are closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
