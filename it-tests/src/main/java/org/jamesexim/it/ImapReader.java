package org.jamesexim.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads whole messages from a mailbox over real IMAP (LOGIN, SELECT/EXAMINE, FETCH BODY.PEEK[]), for tests.
 * Messages come back as the raw RFC 5322 text James stored.
 */
public final class ImapReader implements Closeable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    private ImapReader(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        String greeting = readLine();
        if (!greeting.startsWith("* OK")) {
            throw new IOException("unexpected IMAP greeting: " + greeting);
        }
    }

    public static ImapReader login(String host, int port, String user, String password) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 10_000);
        s.setSoTimeout(30_000);
        ImapReader r = new ImapReader(s);
        r.expectOk("LOGIN " + quote(user) + " " + quote(password));
        return r;
    }

    /** All messages of the folder (read-only), oldest first; an absent folder reads as empty. */
    public List<String> messages(String folder) throws IOException {
        List<String> result = new ArrayList<>();
        List<String> select = run("EXAMINE " + quote(folder), null);
        if (!last(select).contains("OK")) {
            return result;
        }
        run("FETCH 1:* (BODY.PEEK[])", result);
        return result;
    }

    /**
     * Logs in again and again until the folder holds at least {@code count} messages, then returns them all;
     * fails with an AssertionError naming the folder after the timeout.
     */
    public static List<String> await(int port, String user, String password, String folder, int count, java.time.Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> messages;
            try (ImapReader imap = login("127.0.0.1", port, user, password)) {
                messages = imap.messages(folder);
            }
            if (messages.size() >= count) {
                return messages;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " message(s) in " + user + "/" + folder + " within " + timeout
                    + ", found " + messages.size());
            }
            Thread.sleep(100);
        }
    }

    /** The header block of one field of every message ({@code BODY.PEEK[HEADER.FIELDS (name)]}), oldest first. */
    public List<String> headerFields(String folder, String name) throws IOException {
        List<String> result = new ArrayList<>();
        List<String> select = run("EXAMINE " + quote(folder), null);
        if (!last(select).contains("OK")) {
            return result;
        }
        run("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (" + name + ")])", result);
        return result;
    }

    /** Deletes every message of the folder (STORE \Deleted, EXPUNGE); returns how many there were. */
    public int deleteAll(String folder) throws IOException {
        int n = count(folder);
        if (n <= 0) {
            return Math.max(n, 0);
        }
        expectOk("SELECT " + quote(folder));
        expectOk("STORE 1:* +FLAGS.SILENT (\\Deleted)");
        expectOk("EXPUNGE");
        expectOk("CLOSE");
        return n;
    }

    /** Number of messages in the folder (IMAP STATUS), -1 when the folder does not exist. */
    public int count(String folder) throws IOException {
        for (String line : run("STATUS " + quote(folder) + " (MESSAGES)", null)) {
            Matcher m = Pattern.compile("MESSAGES (\\d+)").matcher(line);
            if (line.startsWith("* STATUS") && m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    /** Folder names as LIST shows them. */
    public List<String> folders() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : run("LIST \"\" \"*\"", null)) {
            if (line.startsWith("* LIST")) {
                String name = line.substring(line.lastIndexOf(' ') + 1);
                names.add(name.replace("\"", ""));
            }
        }
        return names;
    }

    private void expectOk(String command) throws IOException {
        List<String> lines = run(command, null);
        if (!last(lines).contains(" OK")) {
            throw new IOException("IMAP command failed: " + command.replaceAll("LOGIN .*", "LOGIN ...") + " -> " + last(lines));
        }
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    private List<String> run(String command, List<String> literals) throws IOException {
        String t = "a" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            Matcher m = LITERAL.matcher(line);
            if (m.find()) {
                byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
                if (literals != null) {
                    literals.add(new String(body, StandardCharsets.UTF_8));
                }
                continue;
            }
            lines.add(line);
            if (line.startsWith(t + " ")) {
                return lines;
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("IMAP connection closed");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        try {
            run("LOGOUT", null);
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
