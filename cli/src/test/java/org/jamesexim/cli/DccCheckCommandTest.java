package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.jamesexim.dcc.sim.DccifdSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DccCheckCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private DccifdSimulator sim;

    @BeforeEach
    void start() throws Exception {
        sim = new DccifdSimulator().listenTcp();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream("Subject: cli\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void acceptRejectAndDeferExitCodes() {
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--client-ip", "192.0.2.10", "--helo", "mx.example", "--from",
            "a@b.example", "--to", "c@d.example", "--to", "e@f.example")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("dcc_result=A\nrecipients=AA\n")
            .contains("dcc_header=X-DCC-SIM-Metrics: sim.dcc.test 1201; Body=0\\n").contains("outcome=accept") // a short body: Body=0 (dcc-real short-u)
            .contains("actions=deliver,deliver\n");
        assertThat(sim.lastRequest().rawText()).startsWith("header\n192.0.2.10\nmx.example\na@b.example\nc@d.example\ne@f.example\n\nSubject: cli");
        // the real shape of a mixed answer (dcc-real multi-discard-u): A overall, R for the recipient not whitelisted
        sim.blacklistSender("bulk@b.example").whitelistRecipient("e@f.example");
        out.reset();
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--from", "bulk@b.example", "--to", "c@d.example", "--to", "e@f.example")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("dcc_result=A\nrecipients=RA\n").contains("actions=discard,deliver\n");
        sim.force('R');
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--to", "c@d.example")).isEqualTo(1);
        sim.force('T');
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--to", "c@d.example")).isEqualTo(75);
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--to", "c@d.example", "--defer-ok")).isEqualTo(1);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("dcc-check", "--to", "c@d.example")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--address is required");
        assertThat(run("dcc-check", "--address", "127.0.0.1", "--to", "c@d.example")).isEqualTo(2);
        assertThat(run("dcc-check", "--address", sim.tcpAddress(), "--options", "grey_off", "--to", "c@d.example")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'grey_off'");
    }
}
