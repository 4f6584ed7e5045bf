package org.jamesexim.bench.bmi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.bmi.BmiMessage;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiVerdicts;
import org.jamesexim.bmi.RspamdEngine;
import org.jamesexim.bmi.testing.RspamdFixture;
import org.jamesexim.common.Endpoint;
import org.jamesexim.mailets.BmiAttributes;
import org.jamesexim.mailets.BmiRun;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scans per second against one real Rspamd 3.4 normal worker (started by the benchmark: {@link RspamdFixture}, one
 * worker process), same ~1 KB message with the BMI test marker, one caller thread:
 * <ul>
 *   <li>{@code rawHttp}: a minimal hand-written {@code POST /checkv2} (same headers), reply read fully, action checked.</li>
 *   <li>{@code engineScan}: {@link RspamdEngine#scan} for 1 recipient (the HTTP request plus JSON parsing and the verdict).</li>
 *   <li>{@code mailetService}: {@link BmiRun#service} on a FakeMail with 1 recipient (plus writing the MIME message
 *       out and storing the attributes).</li>
 *   <li>{@code mailetService3Profiles}: the same with 3 recipients in 3 opt-in profiles, i.e. 3 Rspamd requests per mail.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'bench.bmi'} (needs rspamd: .ci/install.d/70-bmi.sh).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class BmiScanBenchmark {
    RspamdFixture rspamd;
    RspamdEngine engine;
    BmiRun mailet;
    byte[] content;
    BmiMessage oneRecipient;
    byte[] rawRequest;

    @Setup(Level.Trial)
    public void start() throws Exception {
        rspamd = RspamdFixture.start();
        content = RspamdFixture.message("benchmark", ("Hello Bob,\r\n" + RspamdFixture.MARKER + "\r\n").repeat(30));
        engine = RspamdEngine.builder(Endpoint.parse(rspamd.endpoint())).build();
        oneRecipient = BmiMessage.builder().clientIp("192.0.2.10").clientHostname("mail.example.com").helo("mail.example.com")
            .sender("alice@example.com").recipient("bob@example.test", BmiOptin.none()).content(content).build();
        mailet = new BmiRun();
        mailet.init(FakeMailetConfig.builder().mailetName("BmiRun").mailetContext(FakeMailContext.defaultContext())
            .setProperty("endpoint", rspamd.endpoint()).build());
        String head = "POST /checkv2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " + content.length
            + "\r\nIP: 192.0.2.10\r\nHostname: mail.example.com\r\nHelo: mail.example.com\r\nFrom: alice@example.com\r\n"
            + "Rcpt: bob@example.test\r\n\r\n";
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(head.getBytes(StandardCharsets.US_ASCII));
        req.write(content);
        rawRequest = req.toByteArray();
        if (!rawHttp().contains("\"action\":\"add header\"") || engineScan().isEmpty() || mailetService() == null) {
            throw new IllegalStateException("benchmark setup: unexpected Rspamd result");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        mailet.destroy();
        engine.close();
        rspamd.close();
    }

    @Benchmark
    public String rawHttp() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), rspamd.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(rawRequest);
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!reply.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected reply " + reply);
            }
            return reply;
        }
    }

    @Benchmark
    public BmiVerdicts engineScan() throws Exception {
        return engine.scan(oneRecipient);
    }

    private FakeMail mail(String... rcpts) throws Exception {
        return FakeMail.builder().name("bench").sender("alice@example.com").recipients(rcpts)
            .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(content)))
            .remoteAddr("192.0.2.10").remoteHost("mail.example.com")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    @Benchmark
    public Object mailetService() throws Exception {
        FakeMail m = mail("bob@example.test");
        mailet.service(m);
        return m.getAttribute(BmiAttributes.BMI_VERDICTS).orElseThrow();
    }

    @Benchmark
    public Object mailetService3Profiles() throws Exception {
        FakeMail m = mail("bob@example.test", "strict@example.test", "lenient@example.test");
        BmiAttributes.setOptins(m, Map.of("strict@example.test", BmiOptin.parse("strict"), "lenient@example.test", BmiOptin.parse("lenient")));
        mailet.service(m);
        return m.getAttribute(BmiAttributes.BMI_VERDICTS).orElseThrow();
    }
}
