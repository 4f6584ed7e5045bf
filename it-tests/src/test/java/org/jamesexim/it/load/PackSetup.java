package org.jamesexim.it.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.dcc.sim.DccifdSimulator;
import org.jamesexim.dovecot.testing.RealDovecot;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.UdpDns;

/**
 * The James configurations of the load runs and the services behind them. Every setup starts from the stock James
 * configuration of {@code benchmarks/load/bare/} (no class of the pack) and adds the pack's snippets, feature by
 * feature, at its {@code pack:} comments; the snippets are the documented ones (docs/*.md, james-config/examples/)
 * with the addresses of the services started here:
 * <ul>
 *   <li>ARC keys from {@link UdpDns} (a stand-in DNS server, TTL 1 s, that can go silent);</li>
 *   <li>dccifd: the project's {@link DccifdSimulator} on a unix socket (so it can be stopped and started again);</li>
 *   <li>BMI: a real Rspamd ({@link RspamdFixture}) or the {@link InstantRspamd} stand-in;</li>
 *   <li>Dovecot auth: a real Dovecot ({@link RealDovecot});</li>
 *   <li>the remote MX: {@link CountingSink}, as RemoteDelivery's gateway.</li>
 * </ul>
 * Every message sent is a copy of one message sealed (ARC i=1) by {@code hop1.example}, with its own Message-ID, to
 * {@code demo@example.test} (local delivery) and {@code friend@remote.test} (relayed: SRS forward, ARC seal).
 */
final class PackSetup implements AutoCloseable {
    /** The features a setup can add to stock James. */
    enum Feature {
        /** PackReceivedHook + AddPackHeader + ProtocolDetailHook (the sample configuration's foundation classes) */
        FOUNDATION,
        /** DsnInfoRemoteDelivery and DsnInfoBounce in place of RemoteDelivery and DSNBounce */
        DSN,
        /** ArcVerifyHook, AuthenticationResults, ArcState, ArcSeal on relay */
        ARC,
        /** SrsRcptHook, SrsReverse, SrsForward on relay */
        SRS,
        /** DccHook (defer_ok) and the Dcc matcher against the dccifd simulator */
        DCC,
        /** BmiOptinLookup, BmiRun (fail-open), BmiAddHeaders, BmiDontDeliver, BmiToAltLocation against Rspamd */
        BMI,
        /** QueueFile out and QueueFileRequeue back in (one directory: an instant outside scanner) */
        QUEUEFILE,
        /** DovecotAuthHook: SMTP AUTH against the real Dovecot, no relaying without AUTH */
        DOVECOT;

        static final Set<Feature> PACK = EnumSet.of(FOUNDATION, DSN, ARC, SRS, DCC, BMI);
    }

    static final String LOCAL = JamesHarness.DEMO_USER;
    static final String REMOTE = "friend@remote.test";
    static final String SENDER = "alice@origin.example";

    final Path dir;
    final UdpDns dns;
    final CountingSink sink;
    final Path dccSocket;
    volatile DccifdSimulator dcc;
    private java.time.Duration dccLatency = java.time.Duration.ZERO;
    RspamdFixture rspamd;
    int rspamdPort;
    InstantRspamd instantRspamd;
    RealDovecot dovecot;
    final Path arcKey;
    private final String sealed;
    /** The hostile run's changes to the setup; null for the load and fault runs. */
    Hostile hostile;
    /** The queuefile directory of the last setup booted with QUEUEFILE. */
    Path queuefileDir;
    /** The SRS secret of the last setup booted with SRS (base64), which no log line may show. */
    String srsSecret;
    /** The SRS parameters every SRS class of a setup gets (the secret from the system property the boot sets). */
    private static final java.util.Map<String, String> SRS = java.util.Map.of(
        "secretsProperty", "jexim.load.srs.secrets", "hashlength", "6", "maxage", "31");

    /** An SRS engine with the same settings and secret as the last setup booted with SRS (to make our own bounces). */
    static org.jamesexim.srs.SrsEngine srsEngine() {
        return org.jamesexim.mailets.SrsSettings.engine(SRS::get);
    }

    /**
     * What the hostile run changes: the scanner directory is not trusted ({@code trustEnvelope=false}, as shipped) and
     * only local recipients go through it (a requeued mail cannot relay, by design); data files over 4 MB are refused;
     * SMTP refuses messages over 1.5 MB; Rspamd and dccifd are reached through the hostile run's proxies; Dovecot AUTH
     * waits 20 s, as the shipped example does.
     */
    static final class Hostile {
        String bmiEndpoint;
        Path dccAddress;
    }

    PackSetup(boolean realRspamd, boolean instantRspamd, boolean dovecot) throws Exception {
        dir = Files.createTempDirectory("jexim-load-");
        // Rspamd and Dovecot are child processes: stop them even when the run is interrupted
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "load-services-shutdown"));
        dns = new UdpDns();
        sink = new CountingSink();
        RsaTestKey hop = RsaTestKey.generate(2048);
        RsaTestKey ours = RsaTestKey.generate(2048);
        dns.txt("sel._domainkey.hop1.example", hop.dkimRecord());
        dns.txt("arc._domainkey.example.test", ours.dkimRecord());
        // ArcSeal refuses a key file others may read (docs/security-arc.md): written 0600
        arcKey = ours.writePem(dir.resolve("arc.pem"));
        sealed = sealTemplate(hop);
        dccSocket = dir.resolve("dccifd");
        startDcc();
        if (realRspamd) {
            rspamdPort = RspamdFixture.freePort();
            this.rspamd = RspamdFixture.start(rspamdPort);
        }
        if (instantRspamd) {
            this.instantRspamd = new InstantRspamd();
        }
        if (dovecot) {
            this.dovecot = RealDovecot.start();
        }
    }

    /** The message every load mail is a copy of, as it left hop1.example: ARC set i=1, no Message-ID yet (not signed). */
    private static String sealTemplate(RsaTestKey hop) {
        StringBuilder body = new StringBuilder();
        while (body.length() < 4000) {
            body.append("The quick brown fox jumps over the lazy dog, load test line of roughly seventy octets.\r\n");
        }
        String msg = "Authentication-Results: mx.hop1.example; spf=pass smtp.mailfrom=" + SENDER + "\r\n"
            + "From: Alice <" + SENDER + ">\r\nTo: " + LOCAL + ", " + REMOTE + "\r\nSubject: load\r\n"
            + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body;
        SigningKey key = SigningKey.parse(hop.pem(), "hop1 key");
        ArcSealer sealer = ArcSealer.builder().authservId("mx.hop1.example").domain("hop1.example").selector("sel").key(key).build();
        MailMessage m = MailMessage.parse(msg.getBytes(StandardCharsets.US_ASCII));
        byte[] out = sealer.seal(m, null, System.currentTimeMillis() / 1000).applyTo(m);
        return new String(out, StandardCharsets.US_ASCII);
    }

    /** Load mail number {@code n} with Message-ID {@code id}. */
    String message(int n, String id) {
        return "Message-ID: <" + id + ">\r\n" + sealed;
    }

    void startDcc() throws IOException {
        Files.deleteIfExists(dccSocket);
        dcc = new DccifdSimulator().latency(dccLatency).listenUnix(dccSocket.toFile());
    }

    /**
     * How long the dccifd model takes over an answer that asks a DCC server: zero (instant, the default) or
     * {@link DccifdSimulator#REAL_LATENCY}, what a real dccifd 2.3.167 took with a live server (docs/dcc.md). Restarts it.
     */
    void dccLatency(java.time.Duration latency) throws IOException {
        dccLatency = latency;
        stopDcc();
        startDcc();
    }

    void stopDcc() {
        dcc.close();
    }

    void stopRspamd() {
        rspamd.close();
    }

    void startRspamd() throws Exception {
        rspamd = RspamdFixture.start(rspamdPort);
    }

    /** A James with stock configuration plus {@code features}; BMI asks the instant stand-in when {@code instantBmi}. */
    JamesHarness boot(Set<Feature> features, boolean instantBmi) throws IOException {
        Path bare = bareDir();
        String smtp = Files.readString(bare.resolve("smtpserver.xml"));
        String mailets = Files.readString(bare.resolve("mailetcontainer.xml"));
        StringBuilder hooks = new StringBuilder();
        StringBuilder root = new StringBuilder();
        StringBuilder transport = new StringBuilder();
        StringBuilder delivery = new StringBuilder();
        StringBuilder relay = new StringBuilder();
        StringBuilder scan = new StringBuilder();
        String gateway = "<gateway>127.0.0.1</gateway><gatewayPort>" + sink.port() + "</gatewayPort>";
        JamesHarness.Builder b = JamesHarness.builder().configDir(bare).overrideWith(DeliveryCounter.module());
        if (features.contains(Feature.FOUNDATION)) {
            hooks.append("<handler class=\"org.jamesexim.smtp.PackReceivedHook\"/>\n");
            root.append("<mailet match=\"org.jamesexim.matchers.PackHookSeen\" class=\"org.jamesexim.mailets.AddPackHeader\"/>\n");
        }
        if (features.contains(Feature.DOVECOT)) {
            // docs/dovecot-auth.md (james-config/examples/dovecot-smtpserver.xml): relaying needs AUTH
            smtp = smtp.replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>", "");
            hooks.append("<handler class=\"org.jamesexim.smtp.DovecotAuthHook\">\n"
                + "  <server_socket>" + dovecot.inetSocket() + "</server_socket>\n"
                + "  <server_set_id>user</server_set_id>\n  <connect_timeout>2s</connect_timeout>\n"
                // the hostile run: the shipped example's 20 s, above Dovecot's 15 s penalty for an IP that failed
                // (docs/dovecot-auth.md); the load runs 5 s, so that a Dovecot restart is met quickly
                + "  <timeout>" + (hostile != null ? "20s" : "5s") + "</timeout>\n"
                + "  <pool_size>2</pool_size>\n  <backoff_max>1s</backoff_max>\n</handler>\n");
        }
        if (features.contains(Feature.ARC)) {
            // docs/arc.md; dns: the stand-in server, 1 s timeout
            hooks.append("<handler class=\"org.jamesexim.smtp.ArcVerifyHook\">\n  <dns>" + dns.address() + "</dns>\n"
                + "  <dnsTimeout>1</dnsTimeout>\n  <trustedSealers>hop1.example</trustedSealers>\n</handler>\n");
            root.append("<mailet match=\"All\" class=\"org.jamesexim.mailets.AuthenticationResults\">\n"
                + "  <authservId>mx.example.test</authservId>\n</mailet>\n"
                // a sender's own X-Jexim-ARC goes first: only ours is believed downstream
                + "<mailet match=\"All\" class=\"RemoveMimeHeader\">\n  <name>X-Jexim-ARC</name>\n</mailet>\n"
                + "<mailet match=\"org.jamesexim.matchers.ArcState=pass\" class=\"SetMimeHeader\">\n"
                + "  <name>X-Jexim-ARC</name>\n  <value>pass</value>\n</mailet>\n");
        }
        if (features.contains(Feature.SRS)) {
            // docs/srs.md (james-config/examples/srs-*.xml)
            // a secret of this run (published examples are refused), handed over in a system property (secretsProperty)
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            srsSecret = Base64.getEncoder().encodeToString(secret);
            System.setProperty(SRS.get("secretsProperty"), srsSecret);
            StringBuilder params = new StringBuilder();
            SRS.forEach((name, value) -> params.append("  <").append(name).append('>').append(value).append("</").append(name).append(">\n"));
            String srs = params.toString();
            hooks.append("<handler class=\"org.jamesexim.smtp.SrsRcptHook\">\n" + srs + "</handler>\n");
            root.append("<mailet match=\"All\" class=\"org.jamesexim.mailets.SrsReverse\">\n" + srs + "</mailet>\n");
            relay.append("<mailet match=\"All\" class=\"org.jamesexim.mailets.SrsForward\">\n" + srs
                + "  <alias>example.test</alias>\n</mailet>\n");
        }
        if (features.contains(Feature.DCC)) {
            // docs/dcc.md (james-config/examples/dcc-*.xml, dcc.properties)
            hooks.append("<handler class=\"org.jamesexim.smtp.DccHook\">\n  <defer_ok>true</defer_ok>\n</handler>\n");
            root.append("<mailet match=\"org.jamesexim.matchers.Dcc=fail\" class=\"ToRepository\">\n"
                + "  <repositoryPath>memory://var/mail/dcc-bulk/</repositoryPath>\n</mailet>\n");
            b.extraConfig("dcc.properties", "dccifd_address = " + (hostile != null ? hostile.dccAddress : dccSocket) + "\ndccifd_options = header\n"
                + "dccifd_connect_timeout = 1s\ndccifd_timeout = 2s\ndcc_direct_add_header = true\n");
        }
        if (features.contains(Feature.ARC)) {
            // sealing comes after SRS forward (the envelope is not signed) and just before delivery
            relay.append("<mailet match=\"All\" class=\"org.jamesexim.mailets.ArcSeal\">\n"
                + "  <authservId>mx.example.test</authservId>\n  <domain>example.test</domain>\n  <selector>arc</selector>\n"
                + "  <key>" + arcKey + "</key>\n  <timestamps>true</timestamps>\n  <dns>" + dns.address() + "</dns>\n"
                + "  <dnsTimeout>1</dnsTimeout>\n</mailet>\n");
        }
        boolean scanProcessor = features.contains(Feature.BMI) || features.contains(Feature.QUEUEFILE);
        if (features.contains(Feature.QUEUEFILE)) {
            // james-config/examples/queuefile-*: out and back in through the same directory (an instant scanner)
            Path q = Files.createTempDirectory(dir, "queuefile-");
            queuefileDir = q;
            root.append("<mailet match=\"" + (hostile != null ? "RecipientIsLocal" : "All") + "\" class=\"org.jamesexim.mailets.QueueFile\">\n  <directory>" + q + "</directory>\n"
                + "  <format>james</format>\n  <passThrough>false</passThrough>\n</mailet>\n");
            b.extraConfig("queuefile.properties", "directory=" + q + "\nformat=james\nprocessor=scan\npollInterval=100ms\n"
                + "settle=0s\nkeepDone=false\n"
                // the run's own directory, written only by this James: its envelopes (client address, AUTH) are believed,
                // as an operator would set it for a scanner it runs itself (docs/queuefile.md, trustEnvelope)
                + (hostile != null ? "trustEnvelope=false\nmaxMessageSize=4m\n" : "trustEnvelope=true\n"));
            b.extraConfig("extensions.properties", "guice.extension.startable=org.jamesexim.mailets.QueueFileRequeue\n");
        }
        if (features.contains(Feature.BMI)) {
            // docs/bmi.md (the sample james-config/mailetcontainer.xml)
            String endpoint = hostile != null ? hostile.bmiEndpoint : instantBmi ? instantRspamd.endpoint() : rspamd.endpoint();
            scan.append("<mailet match=\"All\" class=\"org.jamesexim.mailets.BmiOptinLookup\">\n  <optinLookup>file://conf/bmi_optin.txt</optinLookup>\n"
                + "</mailet>\n<mailet match=\"All\" class=\"org.jamesexim.mailets.BmiRun\">\n  <endpoint>" + endpoint + "</endpoint>\n"
                + "  <connect_timeout>2s</connect_timeout>\n  <timeout>5s</timeout>\n  <on_error>fail_open</on_error>\n"
                + "  <processor>transport</processor>\n</mailet>\n");
            transport.append("<mailet match=\"org.jamesexim.matchers.BmiDontDeliver\" class=\"ToRepository\">\n"
                + "  <repositoryPath>memory://var/mail/bmi-dont-deliver/</repositoryPath>\n</mailet>\n"
                + "<mailet match=\"All\" class=\"org.jamesexim.mailets.BmiAddHeaders\"/>\n");
            delivery.append("<mailet match=\"org.jamesexim.matchers.BmiDeliverAlternate\" class=\"org.jamesexim.mailets.BmiToAltLocation\"/>\n");
            b.extraConfig("bmi_optin.txt", "# load run: everyone uses Rspamd's defaults\n");
        }
        if (features.contains(Feature.FOUNDATION)) {
            hooks.append("<handler class=\"org.jamesexim.smtp.ProtocolDetailHook\"/>\n");
        }
        if (scanProcessor) {
            root.append("<mailet match=\"All\" class=\"ToProcessor\">\n  <processor>scan</processor>\n</mailet>\n");
            mailets = mailets.replace("<!-- pack:processors -->", "<processor state=\"scan\" enableJmx=\"false\">\n" + scan
                + "<mailet match=\"All\" class=\"ToProcessor\">\n  <processor>transport</processor>\n</mailet>\n</processor>\n");
        }
        if (features.contains(Feature.DSN)) {
            // docs/dsn-protocol-detail.md (the sample james-config/mailetcontainer.xml)
            mailets = mailets.replace("class=\"RemoteDelivery\"", "class=\"org.jamesexim.mailets.DsnInfoRemoteDelivery\"")
                .replace("<mailet match=\"All\" class=\"DSNBounce\">", "<mailet match=\"All\" class=\"org.jamesexim.mailets.DsnInfoBounce\">\n"
                    + "  <dsnInfo>true</dsnInfo>");
        }
        if (hostile != null) {
            smtp = smtp.replace("<maxmessagesize>0</maxmessagesize>", "<maxmessagesize>1536</maxmessagesize>");
        }
        smtp = smtp.replace("<!-- pack:hooks -->", hooks.toString());
        mailets = mailets.replace("<!-- pack:root -->", root.toString())
            .replace("<!-- pack:transport -->", transport.toString())
            .replace("<!-- pack:delivery -->", delivery.toString())
            .replace("<!-- pack:relay -->", relay.toString())
            .replace("<!-- pack:gateway -->", gateway);
        JamesHarness james = b.config("smtpserver.xml", smtp).config("mailetcontainer.xml", mailets).start();
        james.server().getProbe(DeliveryCounter.Probe.class); // registers the counter before any mail
        return james;
    }

    static Path bareDir() {
        return JamesHarness.defaultConfigDir().getParent().resolve("benchmarks/load/bare");
    }

    static String name(Set<Feature> features) {
        StringBuilder sb = new StringBuilder();
        for (Feature f : features) {
            sb.append(sb.length() == 0 ? "" : "+").append(f.name().toLowerCase(Locale.ROOT));
        }
        return sb.length() == 0 ? "bare" : sb.toString();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception ignored) {
            // shutting down
        }
    }

    @Override
    public synchronized void close() throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        dns.close();
        sink.close();
        if (dcc != null) {
            dcc.close();
        }
        if (rspamd != null) {
            rspamd.close();
        }
        if (instantRspamd != null) {
            instantRspamd.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
        JamesHarness.deleteTree(dir);
    }
}
