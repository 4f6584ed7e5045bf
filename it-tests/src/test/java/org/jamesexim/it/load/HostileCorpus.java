package org.jamesexim.it.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpooledMessage;

/**
 * The hostile run's inputs, one round at a time: what an SMTP client, a remote MX, a DNS zone, Rspamd, dccifd and a
 * writer of the scanner directory can send the pack, each input with what must come of it. Every round's Message-IDs
 * are its own ({@code hostile-<kind>-<round>@hostile.test}), so that the run can find every copy.
 */
final class HostileCorpus {
    /** The zone whose ARC key records are hostile; {@code slow.} under it never answers. */
    static final String ZONE = "hostile.example";
    static final String PASSWORD = RealDovecot.PASSWORD;
    /** What the sender writes into the results and verdicts it fakes: no delivered copy may still carry it. */
    static final String FORGED = "FAKED-BY-SENDER";

    private HostileCorpus() {
    }

    /** What must come of an input. */
    enum Expect {
        /** accepted or refused; if accepted, every accepted recipient gets it exactly once (remote: relayed or bounced) */
        KEEP,
        /** as KEEP, and a permanent (5xx) refusal is wrong: the faults it meets are temporary */
        KEEP_NO_5XX,
        /** the remote recipient must be refused at RCPT and nothing may reach the remote side; local ones as KEEP */
        NO_RELAY,
        /** a misbehaving session: no mail expected; if it sent a remote RCPT, it must have been refused */
        SESSION,
        /** a file dropped into the scanner directory: never relayed, delivered only to {@link Input#local} */
        DROP
    }

    /** One input and, once tried, what happened. */
    static final class Input {
        final String kind;
        final String id;
        final Expect expect;
        /** SMTP AUTH as this Dovecot user, or null */
        String authUser;
        String authPassword = PASSWORD;
        String helo = "client.hostile.test";
        String sender = "mallory@evil.example";
        final List<String> recipients = new ArrayList<>();
        /** the message (CRLF line ends; dot-stuffed by the client) or, if {@link #raw} is set, the raw DATA bytes */
        String message;
        byte[] raw;
        /** a session attack: the lines sent as they are, one reply read after each */
        List<byte[]> lines;
        /** a dropped file: what to put into the scanner directory */
        Dropper dropper;
        /** local users that must get the message once if it is accepted (filled from the accepted RCPTs) */
        final Set<String> local = new TreeSet<>();
        /** remote copies expected if accepted (relayed, or bounced when the remote side refuses) */
        int remote;
        /** the envelope recipient a remote copy must go to, when not the RCPT (an SRS bounce's reversed address) */
        String remoteTo;

        // outcome
        boolean accepted;
        boolean dropped;
        String lastReply = "";
        final List<String> replies = new ArrayList<>();
        boolean remoteRcptAccepted;
        boolean authenticated;

        Input(String kind, int round, Expect expect) {
            this.kind = kind;
            this.id = "hostile-" + kind + "-" + round + "@hostile.test";
            this.expect = expect;
        }

        Input to(String... rcpts) {
            recipients.addAll(List.of(rcpts));
            return this;
        }

        Input auth(String user) {
            authUser = user;
            return this;
        }
    }

    interface Dropper {
        void drop(Path dir, Input in) throws IOException;
    }

    static boolean isLocal(String address) {
        return address.toLowerCase(Locale.ROOT).endsWith("@example.test");
    }

    /** A plain message with the round's Message-ID and the given extra header lines (CRLF-terminated). */
    static String plain(Input in, String extraHeaders, String body) {
        return "Message-ID: <" + in.id + ">\r\n" + extraHeaders + "From: " + in.sender.replace("<>", "mailer-daemon@evil.example")
            + "\r\nTo: undisclosed-recipients:;\r\nSubject: " + in.kind + "\r\nDate: Thu, 03 Dec 2026 06:00:00 +0000\r\n\r\n" + body;
    }

    /** Folds {@code value} into continuation lines of about 70 octets. */
    static String fold(String value) {
        StringBuilder sb = new StringBuilder(value.length() + value.length() / 30);
        int col = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' && col > 70) {
                sb.append("\r\n\t");
                col = 0;
                continue;
            }
            sb.append(c);
            col++;
        }
        return sb.toString();
    }

    /**
     * The round's inputs. {@code sealed} is a load mail as hop1.example sealed it (ARC i=1), {@code srsBounce} an SRS
     * address of ours (made with the run's secret) for {@code bob@origin.example}.
     */
    static List<Input> round(int r, String target, String sealed, String srsBounce) {
        List<Input> all = new ArrayList<>();
        String auth = String.format(Locale.ROOT, "user%02d", r % RealDovecot.NUMBERED_USERS + 1);
        Random random = new Random(r);

        // ---- ARC: headers anyone can write, and the DNS zones they point at ----
        Input hugeSeal = new Input("arc-huge-seal", r, Expect.KEEP).to(target);
        StringBuilder tags = new StringBuilder("i=1; a=rsa-sha256; cv=none; d=hop1.example; s=sel; t=1700000000; ");
        for (int i = 0; i < 40_000; i++) {
            tags.append('x').append(i).append("=y; ");
        }
        tags.append("b=AAAA");
        hugeSeal.message = plain(hugeSeal, "ARC-Seal: " + fold(tags.toString()) + "\r\n"
            + "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=hop1.example; s=sel; h=from; bh=AAAA; b=AAAA\r\n"
            + "ARC-Authentication-Results: i=1; mx.hop1.example; spf=pass\r\n", "huge seal\r\n");
        all.add(hugeSeal);

        Input manySets = new Input("arc-many-sets", r, Expect.KEEP).to(target);
        StringBuilder sets = new StringBuilder();
        for (int i = 60; i >= 1; i--) {
            sets.append("ARC-Seal: i=").append(i).append("; a=rsa-sha256; cv=").append(i == 1 ? "none" : "pass")
                .append("; d=d").append(i).append('.').append(ZONE).append("; s=s; t=1700000000; b=AAAA\r\n")
                .append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; c=relaxed/relaxed; d=d").append(i).append('.')
                .append(ZONE).append("; s=s; h=from; bh=AAAA; b=AAAA\r\n")
                .append("ARC-Authentication-Results: i=").append(i).append("; mx").append(i).append(".example; none\r\n");
        }
        manySets.message = plain(manySets, sets.toString(), "sixty sets\r\n");
        all.add(manySets);

        Input garbage = new Input("arc-garbage", r, Expect.KEEP).to(target);
        garbage.message = plain(garbage, "ARC-Seal: i=0; cv=none\r\nARC-Seal: i=-1; i=2; cv=maybe; b=!!!\r\n"
            + "ARC-Seal: i=99999999999999999999999; a=rsa-sha256; d=; s=; b=\r\n"
            + "ARC-Message-Signature: " + fold("=;=;=;;;; h=" + "from: ".repeat(5000)) + "\r\n"
            + "ARC-Authentication-Results: i=1\r\nARC-Authentication-Results: \001\002\003 \377\376\r\n"
            + "ARC-Seal: i=1; a=ed25519-sha256; cv=none; d=hop1.example; s=sel; b=" + "A".repeat(70) + "\r\n", "garbage\r\n");
        all.add(garbage);

        // a valid-looking i=1 set whose key is looked up in the hostile zone: each record kind, and a zone that never answers
        for (String key : List.of("garbage", "huge", "many", "wrongkey", "nxdomain", "slow")) {
            Input dns = new Input("arc-dns-" + key, r, Expect.KEEP_NO_5XX).to(target);
            String domain = key.equals("slow") ? "slow." + ZONE : ZONE;
            dns.message = ("Message-ID: <" + dns.id + ">\r\n" + sealed).replace("d=hop1.example", "d=" + domain)
                .replace("s=sel;", "s=" + key + ";");
            all.add(dns);
        }

        Input forged = new Input("fake-results", r, Expect.KEEP).to(target);
        forged.message = plain(forged, "Authentication-Results: mx.example.test; arc=pass; dkim=pass header.d=example.test (" + FORGED + ")\r\n"
            + "X-Jexim-ARC: pass\r\nX-Brightmail-Verdict: " + FORGED + "\r\nX-Brightmail-Tracker: " + FORGED + "\r\n", "fake results\r\n");
        all.add(forged);

        // ---- header and body shapes ----
        Input many = new Input("header-many", r, Expect.KEEP).to(target);
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            h.append("X-Bomb-").append(i).append(": v\r\n");
        }
        many.message = plain(many, h.toString(), "many headers\r\n");
        all.add(many);

        Input longHeader = new Input("header-long", r, Expect.KEEP).to(target);
        longHeader.message = plain(longHeader, "X-Long: " + fold("word ".repeat(160_000)) + "\r\n", "long header\r\n");
        all.add(longHeader);

        Input shapes = new Input("header-shapes", r, Expect.KEEP).to(target);
        shapes.message = plain(shapes, "this line is not a header\r\nX Space: v\r\n:empty-name\r\n" + "From: a@b.example\r\n".repeat(50)
            + "X-8bit: \u00e9\u00ff\u0080\r\nSubject: " + fold("=?utf-8?b?////?= ".repeat(2000)) + "\r\n", "shapes\r\n");
        all.add(shapes);

        Input mime = new Input("mime-nest", r, Expect.KEEP).to(target);
        StringBuilder nest = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            nest.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=b").append(i + 1).append("\r\n\r\n");
        }
        mime.message = plain(mime, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n", nest + "deep\r\n");
        all.add(mime);

        Input bareLf = new Input("bare-lf", r, Expect.KEEP).to(target);
        bareLf.raw = ("Message-ID: <" + bareLf.id + ">\nFrom: a@b.example\nSubject: bare\rcr\n\nbody\rwith\nbare\n.\n..\r\n.\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        all.add(bareLf);

        Input nul = new Input("nul-bytes", r, Expect.KEEP).to(target);
        byte[] junk = new byte[600];
        random.nextBytes(junk);
        String junkText = new String(junk, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "").replace(".", "");
        nul.raw = ("Message-ID: <" + nul.id + ">\r\nX-Nul: a\0b\r\nX-Junk: " + junkText + "\r\n\r\n\0\0\0" + junkText + "\r\n.\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        all.add(nul);

        Input oversize = new Input("oversize", r, Expect.KEEP).to(target);
        oversize.message = plain(oversize, "", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n".repeat(24_000));
        all.add(oversize);

        Input helo = new Input("helo-hostile", r, Expect.KEEP).to(target);
        helo.helo = "evil\033[31m.example\t\u00ff" + "x".repeat(900);
        helo.message = plain(helo, "", "odd helo\r\n");
        all.add(helo);

        // ---- odd addresses from authenticated users (forwarded: SRS, ARC seal) ----
        String[] oddSenders = {"\"john doe\"@origin.example", "\"a@b\"@origin.example", "alice+tag=x@origin.example",
            "SRS0=abcd=12=origin.example=bob@other.example", "l" + "o".repeat(62) + "ng@origin.example", "=?utf-8?q?x?=@origin.example", ""};
        for (int i = 0; i < oddSenders.length; i++) {
            Input odd = new Input("odd-sender-" + i, r, Expect.KEEP).to(target, PackSetup.REMOTE).auth(auth);
            odd.sender = oddSenders[i];
            odd.message = plain(odd, "", "odd sender\r\n");
            all.add(odd);
        }

        // ---- bounces to SRS addresses (null sender, any client) ----
        Input srsForged = new Input("srs-forged", r, Expect.NO_RELAY).to("SRS0=AAAAAA=XX=origin.example=bob@example.test");
        srsForged.sender = "";
        srsForged.message = plain(srsForged, "", "forged SRS bounce\r\n");
        all.add(srsForged);
        Input srsNested = new Input("srs-nested-forged", r, Expect.NO_RELAY)
            .to("SRS1=XXXX=other.example==AAAAAA=XX=origin.example=bob@example.test");
        srsNested.sender = "";
        srsNested.message = plain(srsNested, "", "forged SRS1 bounce\r\n");
        all.add(srsNested);
        for (String form : List.of("exact", "upper", "lower")) {
            String address = form.equals("exact") ? srsBounce : form.equals("upper") ? srsBounce.toUpperCase(Locale.ROOT)
                : srsBounce.toLowerCase(Locale.ROOT);
            Input srs = new Input("srs-bounce-" + form, r, Expect.KEEP).to(address);
            srs.sender = "";
            srs.remoteTo = "bob@origin.example";
            srs.message = plain(srs, "", "bounce of a forwarded mail\r\n");
            all.add(srs);
        }

        // ---- relay attempts without AUTH ----
        String[] relays = {PackSetup.REMOTE, "friend%remote.test@example.test", "@example.test:friend@remote.test",
            "\"friend@remote.test\"@example.test", "friend@[127.0.0.1]", "postmaster@remote.test"};
        for (int i = 0; i < relays.length; i++) {
            Input relay = new Input("relay-" + i, r, Expect.NO_RELAY).to(relays[i], target);
            relay.message = plain(relay, "", "relay me\r\n");
            all.add(relay);
        }

        // ---- AUTH that must not authenticate, then a relay attempt ----
        String[][] auths = {
            {"garbage", "AUTH PLAIN !!!!not-base64"},
            {"authzid", "AUTH PLAIN " + b64("user02\0" + auth + "\0wrong-password")},
            {"tab", "AUTH PLAIN " + b64("\0" + auth + "\tnologin=y\0" + PASSWORD + "x")},
            {"huge", "AUTH PLAIN " + "QUFB".repeat(50_000)},
            {"cancel", "AUTH LOGIN"},
        };
        for (String[] a : auths) {
            Input s = new Input("auth-" + a[0], r, Expect.SESSION);
            s.lines = new ArrayList<>(List.of(line(a[1])));
            if (a[0].equals("cancel")) {
                s.lines.add(line("*"));
            }
            s.lines.add(line("MAIL FROM:<mallory@evil.example>"));
            s.lines.add(line("RCPT TO:<" + PackSetup.REMOTE + ">"));
            s.recipients.add(PackSetup.REMOTE);
            all.add(s);
        }
        Input wrong = new Input("auth-wrong-password", r, Expect.SESSION).auth(auth).to(PackSetup.REMOTE);
        wrong.authPassword = "not-" + PASSWORD;
        wrong.message = plain(wrong, "", "wrong password\r\n");
        all.add(wrong);

        // ---- the SMTP session itself ----
        Input longLine = new Input("session-long-lines", r, Expect.SESSION);
        longLine.lines = List.of(line("NOOP " + "x".repeat(5000)), line("MAIL FROM:<" + "a".repeat(10_000) + "@evil.example>"),
            line("RCPT TO:<\0\0>"), line("VRFY " + target), line("EXPN staff"), line("DATA"));
        all.add(longLine);
        Input pipelined = new Input("session-pipelined-junk", r, Expect.SESSION);
        pipelined.lines = List.of(("MAIL FROM:<a@evil.example>\r\nRCPT TO:<" + PackSetup.REMOTE + ">\r\nGARBAGE\r\nDATA\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        pipelined.recipients.add(PackSetup.REMOTE);
        all.add(pipelined);
        Input flood = new Input("rcpt-flood", r, Expect.KEEP).to(target);
        for (int i = 0; i < 300; i++) {
            flood.recipients.add("nobody-" + i + "@example.test");
        }
        flood.message = plain(flood, "", "many recipients\r\n");
        all.add(flood);

        // ---- hostile daemons: every answer must leave the mail delivered (fail_open, defer_ok) ----
        for (String kind : HostileDaemons.RSPAMD_KINDS) {
            Input bmi = new Input("rspamd-" + kind, r, Expect.KEEP_NO_5XX).to(target, PackSetup.REMOTE).auth(auth);
            bmi.sender = PackSetup.SENDER;
            bmi.message = plain(bmi, "X-Hostile-Rspamd: " + kind + "\r\n", "rspamd " + kind + "\r\n");
            all.add(bmi);
        }
        for (String kind : HostileDaemons.DCC_KINDS) {
            Input dcc = new Input("dcc-" + kind, r, Expect.KEEP_NO_5XX).to(target, PackSetup.REMOTE).auth(auth);
            dcc.sender = PackSetup.SENDER;
            dcc.message = plain(dcc, "X-Hostile-Dcc: " + kind + "\r\n", "dcc " + kind + "\r\n");
            all.add(dcc);
        }

        // ---- hostile remote MX: its refusals come back in bounces (DSN info) ----
        for (String kind : List.of("rcpt", "huge", "data")) {
            Input remote = new Input("remote-" + kind, r, Expect.KEEP).to(target, "hostile-" + kind + "-" + r + "@remote.test").auth(auth);
            remote.sender = PackSetup.SENDER;
            remote.message = plain(remote, "", "to a hostile remote MX\r\n");
            all.add(remote);
        }

        // ---- files dropped into the scanner's incoming directory ----
        all.add(drop("drop-junk", r, (dir, in) -> commit(dir, "junk" + r, "x".getBytes(StandardCharsets.US_ASCII),
            "{{{{ not json \0".getBytes(StandardCharsets.ISO_8859_1))));
        all.add(drop("drop-nested", r, (dir, in) -> commit(dir, "nested" + r, "x".getBytes(StandardCharsets.US_ASCII),
            ("[".repeat(100_000)).getBytes(StandardCharsets.US_ASCII))));
        all.add(drop("drop-binary", r, (dir, in) -> {
            byte[] b = new byte[65536];
            random.nextBytes(b);
            commit(dir, "binary" + r, b, b);
        }));
        Input relayClaim = drop("drop-relay-claim", r, (dir, in) -> spool(dir, in, SpoolEnvelope.builder().sender("mallory@evil.example")
            .addRecipient("victim@remote.test").remoteAddr("127.0.0.1").remoteHost("localhost").authUser(auth).state("relay")
            .attribute("org.apache.james.SMTPIsAuthNetwork", "{\"serializer\":\"BooleanSerializer\",\"value\":true}")
            .attribute("org.apache.james.SMTPAuthUser", "{\"serializer\":\"StringSerializer\",\"value\":\"" + auth + "\"}").build()));
        all.add(relayClaim);
        all.add(drop("drop-symlink", r, (dir, in) -> {
            String id = "symlink" + r;
            Files.createSymbolicLink(dir.resolve(id + ".eml"), Path.of("/etc/passwd"));
            Files.writeString(dir.resolve(id + ".json"), envelopeJson(dir, in, target, id));
        }));
        all.add(drop("drop-fifo", r, (dir, in) -> {
            String id = "fifo" + r;
            try {
                Process p = new ProcessBuilder("mkfifo", dir.resolve(id + ".eml").toString()).inheritIO().start();
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.writeString(dir.resolve(id + ".json"), envelopeJson(dir, in, target, id));
        }));
        all.add(drop("drop-oversize", r, (dir, in) -> {
            String id = "oversize" + r;
            byte[] big = new byte[5 * 1024 * 1024];
            java.util.Arrays.fill(big, (byte) 'x');
            Files.write(dir.resolve(id + ".eml"), big);
            Files.writeString(dir.resolve(id + ".json"), envelopeJson(dir, in, target, id));
        }));
        Input flood2 = drop("drop-recipients", r, (dir, in) -> {
            SpoolEnvelope.Builder b = SpoolEnvelope.builder().sender("mallory@evil.example");
            for (int i = 0; i < 16_385; i++) {
                b.addRecipient("nobody-" + i + "@example.test");
            }
            try {
                spool(dir, in, b.build());
            } catch (IOException | IllegalArgumentException e) {
                // the writer refuses it too: write what a hostile writer would, by hand
                StringBuilder json = new StringBuilder("{\"sender\":\"mallory@evil.example\",\"recipients\":[");
                for (int i = 0; i < 16_385; i++) {
                    json.append(i == 0 ? "" : ",").append("{\"address\":\"nobody-").append(i).append("@example.test\"}");
                }
                commit(dir, "recipients" + r, plain(in, "", "x\r\n").getBytes(StandardCharsets.US_ASCII),
                    json.append("]}").toString().getBytes(StandardCharsets.US_ASCII));
            }
        });
        all.add(flood2);
        Input legit = drop("drop-local", r, (dir, in) -> spool(dir, in, SpoolEnvelope.builder().sender("mallory@evil.example")
            .addRecipient(target).build()));
        legit.local.add(target);
        all.add(legit);
        return all;
    }

    private static Input drop(String kind, int r, Dropper d) {
        Input in = new Input(kind, r, Expect.DROP);
        in.dropper = d;
        return in;
    }

    private static byte[] line(String s) {
        return (s + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Data file first, then the commit file, each renamed into place (as a scanner does). */
    private static void commit(Path dir, String id, byte[] data, byte[] envelope) throws IOException {
        Path staging = Files.createDirectories(dir.getParent().resolve("hostile-staging"));
        Files.write(staging.resolve(id + ".eml"), data);
        Files.write(staging.resolve(id + ".json"), envelope);
        Files.move(staging.resolve(id + ".eml"), dir.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging.resolve(id + ".json"), dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A well-formed message written with the engine's own writer elsewhere and moved in. */
    private static void spool(Path dir, Input in, SpoolEnvelope envelope) throws IOException {
        Path staging = Files.createDirectories(dir.getParent().resolve("hostile-staging"));
        String id = SpoolDirectory.open(staging, SpoolFormat.JAMES).write(new SpooledMessage(null, envelope,
            plain(in, "", "dropped\r\n").getBytes(StandardCharsets.US_ASCII)));
        Files.move(staging.resolve(id + ".eml"), dir.resolve(id + ".eml"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging.resolve(id + ".json"), dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A valid envelope for {@code id} (to {@code rcpt}), as the engine writes it. */
    private static String envelopeJson(Path dir, Input in, String rcpt, String id) throws IOException {
        Path staging = Files.createDirectories(dir.getParent().resolve("hostile-staging").resolve(id));
        String written = SpoolDirectory.open(staging, SpoolFormat.JAMES).write(new SpooledMessage(null,
            SpoolEnvelope.builder().sender("mallory@evil.example").addRecipient(rcpt).build(),
            plain(in, "", "dropped\r\n").getBytes(StandardCharsets.US_ASCII)));
        return Files.readString(staging.resolve(written + ".json")).replace(written, id);
    }
}
