package org.jamesexim.it;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A plain SMTP client over a real socket, for tests: every command returns the server's {@link Reply}, so tests
 * can assert on codes and texts. Lines are CRLF; DATA is dot-stuffed.
 */
public final class SmtpClient implements Closeable {
    /** One (possibly multi-line) SMTP reply. */
    public static final class Reply {
        public final int code;
        public final List<String> lines;

        Reply(int code, List<String> lines) {
            this.code = code;
            this.lines = List.copyOf(lines);
        }

        /** The text of all lines joined with a newline, without the codes. */
        public String text() {
            return String.join("\n", lines);
        }

        public boolean isPositive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return code + " " + text();
        }
    }

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final Reply greeting;

    private Reply ehloReply;

    private SmtpClient(Socket socket) throws IOException {
        bind(socket);
        this.greeting = read();
    }

    public static SmtpClient connect(String host, int port) throws IOException {
        return connect(host, port, null);
    }

    /**
     * Connects from a chosen local address (e.g. 127.0.0.5, so that the server sees a distinct client IP);
     * {@code null} lets the system choose.
     */
    public static SmtpClient connect(String host, int port, java.net.InetAddress localAddress) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(localAddress, 0));
        }
        s.connect(new InetSocketAddress(host, port), 10_000);
        s.setSoTimeout(60_000);
        return new SmtpClient(s);
    }

    private void bind(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = s.getOutputStream();
    }

    public Reply greeting() {
        return greeting;
    }

    public Socket socket() {
        return socket;
    }

    /** Sends one command line (CRLF added) and reads the reply. */
    public Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read();
    }

    public Reply ehlo(String name) throws IOException {
        ehloReply = command("EHLO " + name);
        return ehloReply;
    }

    /** The reply to the last EHLO, or null before one. */
    public Reply ehloReply() {
        return ehloReply;
    }

    public Reply mailFrom(String sender) throws IOException {
        return command("MAIL FROM:<" + sender + ">");
    }

    public Reply rcptTo(String recipient) throws IOException {
        return command("RCPT TO:<" + recipient + ">");
    }

    /** DATA, then the message (dot-stuffed, CRLF line ends enforced) and the final dot; returns the final reply. */
    public Reply data(String message) throws IOException {
        Reply go = command("DATA");
        if (go.code != 354) {
            return go;
        }
        StringBuilder b = new StringBuilder();
        for (String line : message.replace("\r\n", "\n").split("\n", -1)) {
            b.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        if (message.endsWith("\n") || message.endsWith("\r\n")) {
            b.setLength(b.length() - 2);
        }
        b.append(".\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read();
    }

    /**
     * DATA, then {@code bytes} exactly as given (no dot-stuffing, no line-end repair: the caller writes the final
     * {@code CRLF.CRLF}, or does not), and the reply that follows; for clients that misbehave on purpose.
     */
    public Reply dataRaw(byte[] bytes) throws IOException {
        Reply go = command("DATA");
        if (go.code != 354) {
            return go;
        }
        out.write(bytes);
        out.flush();
        return read();
    }

    /** Writes {@code bytes} as they are (a raw command line, pipelined commands) and reads one reply. */
    public Reply raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return read();
    }

    /** Reads one more reply (the next one of pipelined commands). */
    public Reply readReply() throws IOException {
        return read();
    }

    /** AUTH PLAIN with the initial response. */
    public Reply authPlain(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    /** AUTH LOGIN, answering the two prompts; returns the last reply (or the first non-334). */
    public Reply authLogin(String user, String password) throws IOException {
        Reply r = command("AUTH LOGIN");
        if (r.code != 334) {
            return r;
        }
        r = command(Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        if (r.code != 334) {
            return r;
        }
        return command(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** STARTTLS, then a TLS handshake trusting the given factory's certificates. */
    public Reply startTls(SSLSocketFactory factory) throws IOException {
        Reply r = command("STARTTLS");
        if (r.code != 220) {
            return r;
        }
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.startHandshake();
        bind(tls);
        return r;
    }

    public Reply quit() throws IOException {
        return command("QUIT");
    }

    private Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by server" + (lines.isEmpty() ? "" : " after " + lines));
            }
            if (line.length() < 3) {
                throw new IOException("malformed SMTP reply line: " + line);
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
