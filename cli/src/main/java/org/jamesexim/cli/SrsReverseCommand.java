package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsReport;
import org.jamesexim.srs.SrsReverseResult;

/**
 * {@code srs-reverse --secrets-file FILE | --secret S [--secret OLD] [--hashlength N] [--hashmin N] [--maxage N] [--now-day N]
 * [--format exim] [--json] ADDRESS}: prints the original address, or the status and reason on stderr (exit 1); with
 * {@code --json} one object ({@link SrsReport#reverse}), the same WebAdmin's {@code GET /srs/reverse} answers.
 */
public final class SrsReverseCommand implements CliCommand {
    @Override
    public String name() {
        return "srs-reverse";
    }

    @Override
    public String summary() {
        return "decode an SRS address back to the original sender: --secrets-file FILE | --secret S [--maxage N ...] ADDRESS";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) {
        Args a = SrsCommands.parse(argv);
        String address = a.positional().get(0);
        SrsReverseResult r;
        if (SrsCommands.exim(a)) {
            r = new EximNativeSrs(SrsCommands.secretForExim(a), SrsCommands.clock(a)).inbound(address);
        } else {
            r = new SrsEngine(SrsCommands.config(a), SrsCommands.clock(a)).reverse(address);
        }
        if (a.has("json")) {
            out.println(Json.write(SrsReport.reverse(r)));
            return r.valid() ? 0 : 1;
        }
        if (r.valid() && r.recipient().isPresent()) {
            out.println(r.recipient().get());
            return 0;
        }
        if (r.valid()) {
            err.println("srs-reverse: valid (an empty Exim secret accepts any SRS0 address without decoding it)");
            return 0;
        }
        err.println("srs-reverse: " + r.status() + ": " + r.error().orElse(""));
        return 1;
    }
}
