package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jamesexim.bmi.BmiActionTable;
import org.jamesexim.bmi.BmiEngineException;
import org.jamesexim.bmi.BmiMessage;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiReport;
import org.jamesexim.bmi.BmiVerdicts;
import org.jamesexim.bmi.RspamdEngine;
import org.jamesexim.common.Endpoint;

/**
 * {@code bmi-scan}: scans one message (a file, or standard input) with Rspamd the way {@code BmiRun} does, one request
 * per opt-in profile, and prints each recipient's verdict: Exim's {@code $bmi_deliver}, {@code $bmi_alt_location},
 * the outcome, the rules fired and {@code $bmi_base64_verdict}. Exit code 0 when the scan worked, 75 when it failed
 * (what {@code on_error} then decides). With {@code --json}: one array ({@link BmiReport}), the same WebAdmin's
 * {@code POST /bmi/scan} answers.
 */
public final class BmiScanCommand implements CliCommand {
    @Override
    public String name() {
        return "bmi-scan";
    }

    @Override
    public String summary() {
        return "per-recipient BMI verdicts from Rspamd: bmi-scan --endpoint 'host port'|/socket --to RCPT[=OPT1:OPT2] ... [--from S] "
            + "[--client-ip IP] [--client-name H] [--helo H] [--actions TABLE] [--rule-ids SYM=N,...] [--timeout 10s] [FILE]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("json"), Set.of("endpoint", "to", "from", "client-ip", "client-name", "helo", "actions",
            "rule-ids", "timeout", "connect-timeout"));
        if (a.all("to").isEmpty()) {
            throw new UsageException("at least one --to RCPT[=OPT1:OPT2] is required");
        }
        if (a.positional().size() > 1) {
            throw new UsageException("at most one message file");
        }
        RspamdEngine.Builder engine;
        BmiMessage.Builder m = BmiMessage.builder().sender(a.get("from", "")).clientIp(a.get("client-ip", "127.0.0.1"))
            .clientHostname(a.get("client-name", "localhost")).helo(a.get("helo", null)).queueId("bmi-scan");
        try {
            engine = RspamdEngine.builder(Endpoint.parse(a.get("endpoint", "127.0.0.1 11333")))
                .timeout(DccCheckCommand.duration(a.get("timeout", "10s"), "--timeout"))
                .connectTimeout(DccCheckCommand.duration(a.get("connect-timeout", "2s"), "--connect-timeout"))
                .actions(BmiActionTable.parse(a.get("actions", BmiActionTable.DEFAULT_TABLE)))
                .ruleIds(RspamdEngine.Builder.parseRuleIds(a.get("rule-ids", "")));
            for (String to : a.all("to")) {
                int eq = to.indexOf('=');
                m.recipient(eq < 0 ? to : to.substring(0, eq), eq < 0 ? BmiOptin.none() : BmiOptin.parse(to.substring(eq + 1)));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        byte[] message = a.positional().isEmpty() ? in.readAllBytes() : Files.readAllBytes(Paths.get(a.positional().get(0)));
        BmiMessage msg = m.content(message).build();
        BmiVerdicts verdicts;
        try (RspamdEngine e = engine.build()) {
            verdicts = e.scan(msg);
        } catch (BmiEngineException e) {
            err.println("bmi scan failed: " + e.getMessage());
            return 75;
        }
        List<Map<String, Object>> report = BmiReport.scan(msg.recipients().keySet(), verdicts);
        if (a.has("json")) {
            out.println(Json.write(report));
        } else {
            report.forEach(r -> BmiReport.lines(r).forEach(out::println));
        }
        return 0;
    }
}
