package org.jamesexim.common;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Where an outside service listens: a unix socket path, or a TCP host and port.
 *
 * <p>Exim's rule (used by {@code server_socket} for Dovecot and {@code dccifd_address} for DCC): a value that
 * starts with {@code /} is a unix socket path; anything else is {@code host port} (or {@code host:port},
 * or {@code [v6] port}). Immutable and thread-safe.</p>
 */
public final class Endpoint {
    private final String path;
    private final String host;
    private final int port;

    private Endpoint(String path, String host, int port) {
        this.path = path;
        this.host = host;
        this.port = port;
    }

    public static Endpoint unix(String path) {
        return new Endpoint(Objects.requireNonNull(path, "path"), null, -1);
    }

    public static Endpoint tcp(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1..65535: " + port);
        }
        return new Endpoint(null, Objects.requireNonNull(host, "host"), port);
    }

    /**
     * Parses {@code /path/to/socket}, {@code host port}, {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException naming the value when it is neither form
     */
    public static Endpoint parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty endpoint: expected a socket path or 'host port'");
        }
        String v = value.trim();
        if (v.startsWith("/")) {
            return unix(v);
        }
        String host;
        String portText;
        String[] words = v.split("\\s+");
        if (words.length == 2) {
            host = words[0];
            portText = words[1];
        } else if (words.length == 1 && v.startsWith("[") && v.contains("]:")) {
            host = v.substring(1, v.indexOf(']'));
            portText = v.substring(v.indexOf("]:") + 2);
        } else if (words.length == 1 && v.indexOf(':') > 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            portText = v.substring(v.indexOf(':') + 1);
        } else {
            throw new IllegalArgumentException("bad endpoint '" + v + "': expected a socket path starting with / or 'host port'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return tcp(host, Integer.parseInt(portText));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in endpoint '" + v + "': " + portText);
        }
    }

    public boolean isUnix() {
        return path != null;
    }

    public String path() {
        return path;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /**
     * Opens a connected socket with the connect timeout applied and {@code readTimeout} set as SO_TIMEOUT,
     * so no read on it can block longer than that.
     */
    public Socket connect(Duration connectTimeout, Duration readTimeout) throws IOException {
        int connectMs = toMillis(connectTimeout);
        Socket socket;
        if (isUnix()) {
            File file = new File(path);
            if (!file.exists()) {
                throw new IOException("unix socket " + path + " does not exist");
            }
            socket = AFUNIXSocket.newInstance();
            try {
                socket.connect(AFUNIXSocketAddress.of(file), connectMs);
            } catch (IOException e) {
                closeQuietly(socket);
                throw new IOException("cannot connect to unix socket " + path + ": " + e.getMessage(), e);
            }
        } else {
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), connectMs);
            } catch (SocketTimeoutException e) {
                closeQuietly(socket);
                throw new SocketTimeoutException("connect to " + this + " timed out after " + connectMs + " ms");
            } catch (IOException e) {
                closeQuietly(socket);
                throw new IOException("cannot connect to " + this + ": " + e.getMessage(), e);
            }
            socket.setTcpNoDelay(true);
        }
        socket.setSoTimeout(toMillis(readTimeout));
        return socket;
    }

    private static int toMillis(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0 || ms > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout must be between 1 ms and " + Integer.MAX_VALUE + " ms: " + d);
        }
        return (int) ms;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Endpoint)) {
            return false;
        }
        Endpoint e = (Endpoint) o;
        return Objects.equals(path, e.path) && Objects.equals(host, e.host) && port == e.port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, host, port);
    }

    /** {@code unix:/path} or {@code host:port} ({@code [v6]:port}). */
    @Override
    public String toString() {
        if (isUnix()) {
            return "unix:" + path;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
