package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.jamesexim.arc.ArcReport;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;

/**
 * {@code arc-verify [--dns FILE] [--now EPOCH] < message}: verifies the ARC chain and prints one JSON object
 * {@code {"state":"pass","reason":"","domains":["a.example"],"oldest_pass":1}} ({@link ArcReport}, the same WebAdmin's
 * {@code POST /arc/verify} answers). Exit code 0 whatever the state.
 */
public final class ArcVerifyCommand implements CliCommand {
    @Override
    public String name() {
        return "arc-verify";
    }

    @Override
    public String summary() {
        return "verify the ARC chain of the message on stdin: arc-verify [--dns FILE] [--now EPOCH]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Collections.emptySet(), Set.of("dns", "now"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("reads the message from stdin and takes no file argument");
        }
        ArcVerifier verifier = new ArcVerifier(ArcCli.resolver(a));
        ArcVerification v = verifier.verify(MailMessage.parse(in.readAllBytes()), ArcCli.now(a));
        out.println(Json.write(ArcReport.verification(v)));
        return 0;
    }
}
