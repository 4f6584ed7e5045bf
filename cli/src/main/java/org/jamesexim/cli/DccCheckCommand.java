package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jamesexim.common.Durations;
import org.jamesexim.dcc.DccClient;
import org.jamesexim.dcc.DccDecision;
import org.jamesexim.dcc.DccReport;
import org.jamesexim.dcc.DccRequest;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.dcc.DccSettings;

/**
 * {@code dcc-check}: asks dccifd about one message (a file, or standard input) the way the DCC hook does, and prints
 * {@code dcc_result}, the outcome, the per-recipient answers and {@code dcc_header}, and {@code actions}: what the
 * DCC hook (mode per_recipient) does with each recipient, in order ({@code deliver}, {@code discard} for one marked
 * {@code R} under an overall {@code A}, {@code reject}, {@code greylist}, {@code defer}; see {@code DccDecision}).
 * Exit code: 0 accept, 1 fail (R or G), 75 defer (T, unknown reply, dccifd unusable); with {@code --defer-ok} a
 * defer is a fail (exit 1), as Exim's {@code defer_ok}. With {@code --json}: one object ({@link DccReport}), the same
 * WebAdmin's {@code POST /dcc/check} answers.
 */
public final class DccCheckCommand implements CliCommand {
    @Override
    public String name() {
        return "dcc-check";
    }

    @Override
    public String summary() {
        return "ask dccifd about a message: dcc-check --address '/var/dcc/dccifd'|'host port' --to RCPT [--from S] [--client-ip IP] [--helo H] [--options header] [--timeout 30s] [--defer-ok] [FILE]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("defer-ok", "json"), Set.of("address", "options", "timeout", "connect-timeout", "client-ip",
            "client-name", "helo", "from", "to"));
        String address = a.get("address", null);
        if (address == null) {
            throw new UsageException("--address is required (dccifd_address: a socket path or 'host port')");
        }
        if (a.positional().size() > 1) {
            throw new UsageException("at most one message file");
        }
        DccSettings.Builder s = DccSettings.builder();
        try {
            s.address(address).options(a.get("options", DccSettings.DEFAULT_OPTIONS));
            s.timeout(duration(a.get("timeout", "30s"), "--timeout"));
            s.connectTimeout(duration(a.get("connect-timeout", "5s"), "--connect-timeout"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        DccRequest.Builder r = DccRequest.builder().helo(a.get("helo", "")).sender(a.get("from", null))
            .clientName(a.get("client-name", null));
        try {
            r.clientIp(a.get("client-ip", null));
            for (String to : a.all("to")) {
                r.recipient(to);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        byte[] message = a.positional().isEmpty() ? in.readAllBytes() : Files.readAllBytes(Paths.get(a.positional().get(0)));
        DccResult result;
        try (DccClient client = new DccClient(s.build())) {
            result = client.check(r.build(), o -> o.write(message));
        }
        DccResult.Outcome outcome = result.outcome(a.has("defer-ok"));
        Map<String, Object> report = DccReport.check(result, r.build().recipients().size(), DccDecision.Mode.PER_RECIPIENT, a.has("defer-ok"));
        if (a.has("json")) {
            out.println(Json.write(report));
        } else {
            DccReport.lines(report).forEach(out::println);
        }
        switch (outcome) {
            case ACCEPT:
                return 0;
            case FAIL:
                return 1;
            default:
                return 75;
        }
    }

    static Duration duration(String v, String name) {
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not a duration (30s, 500ms): " + v);
        }
    }
}
