package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.srs.SrsReport;

/**
 * {@code srs-forward --secrets-file FILE | --secret S [--secret OLD] [--hashlength N] [--hashmin N] [--maxage N] [--separator =|+|-] [--hash-alphabet base64|base64url]
 * --alias DOMAIN [--always-rewrite] [--now-day N] [--format exim] [--json] SENDER}: prints the rewritten sender; with
 * {@code --json} one object ({@link SrsReport#forward}), the same WebAdmin's {@code GET /srs/forward} answers.
 */
public final class SrsForwardCommand implements CliCommand {
    @Override
    public String name() {
        return "srs-forward";
    }

    @Override
    public String summary() {
        return "rewrite a sender with SRS: --secrets-file FILE | --secret S --alias DOMAIN [--hashlength N ...] SENDER";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) {
        Args a = SrsCommands.parse(argv);
        String alias = a.get("alias", null);
        if (alias == null || alias.isEmpty()) {
            throw new UsageException("--alias DOMAIN is required (the domain the forwarded mail leaves from)");
        }
        String sender = a.positional().get(0);
        if (SrsCommands.exim(a)) {
            if (sender.isEmpty()) {
                err.println("srs-forward: the null sender is never rewritten");
                return 1;
            }
            try {
                out.println(new EximNativeSrs(SrsCommands.secretForExim(a), SrsCommands.clock(a)).encode(sender, alias));
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("srs-forward: " + e.getMessage());
                return 1;
            }
        }
        SrsForwardResult r = new SrsEngine(SrsCommands.config(a), SrsCommands.clock(a)).forward(sender, alias);
        if (a.has("json")) {
            out.println(Json.write(SrsReport.forward(r)));
            return r.outcome() == SrsForwardResult.Outcome.FAILED || r.outcome() == SrsForwardResult.Outcome.DEFER ? 1 : 0;
        }
        switch (r.outcome()) {
            case REWRITTEN:
                out.println(r.address());
                return 0;
            case UNCHANGED:
                err.println("srs-forward: the sender is in the alias domain; left unchanged (use --always-rewrite to rewrite it)");
                out.println(r.address());
                return 0;
            case TOO_LONG:
                err.println("srs-forward: not rewritten: " + r.error().orElse("too long"));
                out.println(r.address());
                return 0;
            default:
                err.println("srs-forward: " + r.error().orElse(r.outcome().toString()));
                return 1;
        }
    }
}
