package org.jamesexim.srs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;

/**
 * The real postsrsd 1.10 (Debian package) started by the test on 127.0.0.1 with a fixed secret file, its day fixed
 * with libfaketime, spoken to over Postfix's tcp_table protocol ({@code get <url-encoded>} → {@code 200 <value>} /
 * {@code 500 <reason>}).
 */
final class PostsrsdPeer implements AutoCloseable {
    /** postsrsd's answer: the code (200 = rewritten) and the decoded text. */
    static final class Answer {
        final int code;
        final String value;

        Answer(int code, String value) {
            this.code = code;
            this.value = value;
        }

        boolean ok() {
            return code == 200;
        }

        @Override
        public String toString() {
            return code + " " + value;
        }
    }

    private final Process process;
    private final Path secretFile;
    private final Socket forward;
    private final Socket reverse;

    private PostsrsdPeer(Process process, Path secretFile, Socket forward, Socket reverse) {
        this.process = process;
        this.secretFile = secretFile;
        this.forward = forward;
        this.reverse = reverse;
    }

    static PostsrsdPeer start(SrsConfig c, String alias, long day) throws Exception {
        String postsrsd = Prerequisites.require("postsrsd");
        String faketime = Prerequisites.require("faketime"); // the path of libfaketime.so.1
        Path secrets = Files.createTempFile("postsrsd", ".secret");
        Files.write(secrets, (String.join("\n", c.secrets()) + "\n").getBytes(StandardCharsets.UTF_8));
        int fport = freePort();
        int rport = freePort();
        List<String> cmd = new ArrayList<>(List.of(postsrsd, "-s" + secrets, "-d" + alias, "-a" + c.separator(),
            "-n" + c.hashLength(), "-N" + c.hashMin(), "-l127.0.0.1", "-4", "-f" + fport, "-r" + rport, "-t60"));
        if (c.alwaysRewrite()) {
            cmd.add("-A");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("LD_PRELOAD", faketime);
        env.put("FAKETIME", "@" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochSecond(day * 86400 + 43200)));
        env.put("TZ", "UTC");
        env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        Process p = pb.start();
        Socket f = connect(fport, p);
        Socket r = connect(rport, p);
        return new PostsrsdPeer(p, secrets, f, r);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Socket connect(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(5000);
                return s;
            } catch (java.io.IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("postsrsd exited with " + p.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postsrsd did not listen on 127.0.0.1:" + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    Answer forward(String sender) throws Exception {
        return ask(forward, sender);
    }

    Answer reverse(String address) throws Exception {
        return ask(reverse, address);
    }

    private static synchronized Answer ask(Socket s, String key) throws Exception {
        OutputStream o = s.getOutputStream();
        o.write(("get " + encode(key) + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
        String line = readLine(s);
        int sp = line.indexOf(' ');
        return new Answer(Integer.parseInt(line.substring(0, sp)), decode(line.substring(sp + 1)));
    }

    private static String readLine(Socket s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = s.getInputStream().read()) != '\n') {
            if (c < 0) {
                throw new IllegalStateException("postsrsd closed the connection");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c > 0x7e || c == '%') {
                sb.append('%').append(String.format("%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String decode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        try {
            forward.close();
            reverse.close();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(secretFile);
        }
    }
}
