package org.jamesexim.dcc.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exchanges recorded with a real dccifd 2.3.167 in {@code shared/vectors/dcc-real/} (read-only): per case, in
 * the order they ran, the request bytes, the reply bytes (empty when the daemon closed without one), the daemon
 * instance it ran against and how long the reply took. Only what the tests need is read from {@code index.json}.
 */
public final class DccCaptures {
    /** One recorded exchange. */
    public static final class Case {
        public final String name;
        public final String instance;
        public final String client;
        public final byte[] request;
        public final byte[] reply;
        public final double seconds;

        Case(String name, String instance, String client, byte[] request, byte[] reply, double seconds) {
            this.name = name;
            this.instance = instance;
            this.client = client;
            this.request = request;
            this.reply = reply;
            this.seconds = seconds;
        }

        public String requestText() {
            return new String(request, StandardCharsets.ISO_8859_1);
        }

        public String replyText() {
            return new String(reply, StandardCharsets.ISO_8859_1);
        }

        /** Request line {@code n} (1-based), without LF and trailing CR. */
        public String requestLine(int n) {
            String[] lines = requestText().split("\n", -1);
            String l = lines.length >= n ? lines[n - 1] : "";
            return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
        }

        /** The recipients of the request (lines 5 on, up to the empty line), as sent. */
        public List<String> recipients() {
            List<String> out = new ArrayList<>();
            String[] lines = requestText().split("\n", -1);
            for (int i = 4; i < lines.length; i++) {
                String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                if (l.isEmpty()) {
                    break;
                }
                int cr = l.indexOf('\r');
                out.add(cr < 0 ? l : l.substring(0, cr));
            }
            return out;
        }

        /** The message: everything after the empty line that ends the recipients. */
        public byte[] message() {
            String t = requestText();
            int at = t.indexOf("\n\n", indexOfLine(t, 4));
            if (at < 0) {
                return new byte[0];
            }
            return t.substring(at + 2).getBytes(StandardCharsets.ISO_8859_1);
        }

        /** True when the pack's own client (the dcc-check CLI) sent this request. */
        public boolean sentByThePack() {
            return client.startsWith("james-exim-cli");
        }

        private static int indexOfLine(String t, int n) {
            int pos = 0;
            for (int i = 0; i < n && pos >= 0; i++) {
                pos = t.indexOf('\n', pos) + 1;
            }
            return Math.max(pos - 1, 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private DccCaptures() {
    }

    public static Path dir() {
        String shared = System.getProperty("shared.dir");
        Path dir = Paths.get(shared == null ? "../../../shared" : shared).resolve("vectors/dcc-real");
        if (!Files.isDirectory(dir)) {
            dir = Paths.get(shared == null ? "../../shared" : shared).resolve("vectors/dcc-real");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("dcc-real captures not found at " + dir.toAbsolutePath() + " (the root pom sets -Dshared.dir)");
        }
        return dir;
    }

    private static final Pattern CASE = Pattern.compile(
        "\"case\": \"([^\"]+)\",\\s*\"client\": \"([^\"]*)\",\\s*\"transport\": \"[^\"]*\",\\s*\"dccifd_instance\": \"([^\"]+)\"");
    private static final Pattern SECONDS = Pattern.compile("\"real_reply_seconds_after_half_close\": ([0-9.]+|null)");

    /** Every case of index.json, in the order they ran. */
    public static List<Case> all() throws IOException {
        Path dir = dir();
        String index = Files.readString(dir.resolve("index.json"), StandardCharsets.UTF_8);
        Matcher m = CASE.matcher(index);
        List<Case> out = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
            heads.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
        for (int i = 0; i < heads.size(); i++) {
            String part = index.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : index.length());
            Matcher s = SECONDS.matcher(part);
            double seconds = s.find() && !s.group(1).equals("null") ? Double.parseDouble(s.group(1)) : -1;
            String name = heads.get(i)[0];
            Path reply = dir.resolve(name + ".reply");
            out.add(new Case(name, heads.get(i)[2], heads.get(i)[1], Files.readAllBytes(dir.resolve(name + ".request")),
                Files.isRegularFile(reply) ? Files.readAllBytes(reply) : new byte[0], seconds));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no cases read from " + dir.resolve("index.json"));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A model of the daemon instance a case ran against, as index.json describes its setup: brand LOCALTEST
     * (LONGBRANDFORFOLDINGTEST for the fold-*, forced-* and ipv6 cases), host {@code vm}, server-ID 1000, reject
     * threshold 10, whiteclnt {@code many env_From spammer@bulk.example}, {@code ok env_From friend@white.example},
     * {@code ok env_To vip@example.org}; {@code grey}: greylisting with a 20 s embargo; {@code fd}: option
     * forced-discard-ok; {@code dead}: no DCC server; {@code deadx}: no server and {@code -x}; {@code deadgrey}: no
     * DCC server and no greylist server.
     */
    public static DccifdSimulator configure(DccifdSimulator sim, String instance) {
        sim.brand("LOCALTEST", "vm", 1000).rejectAt(10).whitelistSender("friend@white.example")
            .blacklistSender("spammer@bulk.example").whitelistRecipient("vip@example.org");
        switch (instance) {
            case "main":
                break;
            case "grey":
                sim.greylist(true, java.time.Duration.ofSeconds(20));
                break;
            case "fd":
                sim.forcedDiscardOk(true);
                break;
            case "dead":
                sim.serverReachable(false);
                break;
            case "deadx":
                sim.serverReachable(false).tryExtraHard(true);
                break;
            case "deadgrey":
                sim.greylist(true, java.time.Duration.ofSeconds(20)).serverReachable(false).greylistServerReachable(false);
                break;
            default:
                throw new IllegalArgumentException("unknown dccifd instance '" + instance + "'");
        }
        return sim;
    }

    /** The brand of a case's DCC server. */
    public static String brand(Case c) {
        return c.name.startsWith("fold-") || c.name.startsWith("forced-") || c.name.startsWith("ipv6") ? "LONGBRANDFORFOLDINGTEST" : "LOCALTEST";
    }
}
