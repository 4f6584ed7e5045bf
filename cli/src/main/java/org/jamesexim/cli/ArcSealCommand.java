package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;

/**
 * {@code arc-seal --domain D --selector S --key FILE --authserv-id ID [--timestamps] [--expire SPEC] [--now EPOCH]
 * [--dns FILE] < message}: prints the message with a new ARC set on top. cv= comes from the {@code arc=} result
 * of our Authentication-Results, else from verifying the chain (DNS from {@code --dns} or the system).
 * A message that must not be sealed (chain already failed) is printed unchanged, with the reason on stderr.
 */
public final class ArcSealCommand implements CliCommand {
    @Override
    public String name() {
        return "arc-seal";
    }

    @Override
    public String summary() {
        return "add an ARC set to the message on stdin: arc-seal --domain D --selector S --key FILE --authserv-id ID"
                + " [--timestamps] [--expire SPEC] [--now EPOCH] [--dns FILE]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("timestamps"),
                Set.of("domain", "selector", "key", "authserv-id", "expire", "now", "dns"));
        for (String required : new String[] {"domain", "selector", "key", "authserv-id"}) {
            if (!a.has(required)) {
                throw new UsageException("--" + required + " is required");
            }
        }
        Optional<SigningKey> key;
        try {
            key = SigningKey.fromConfig(a.get("key", null));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--key: " + e.getMessage());
        }
        if (key.isEmpty()) {
            throw new UsageException("--key names no key");
        }
        ArcSealer sealer;
        try {
            String expire = a.get("expire", null);
            sealer = ArcSealer.builder()
                    .authservId(a.get("authserv-id", null))
                    .domain(a.get("domain", null))
                    .selector(a.get("selector", null))
                    .key(key.get())
                    .timestamps(a.has("timestamps"))
                    .expire(expire)
                    .verifier(new ArcVerifier(ArcCli.resolver(a)))
                    // the operator vouches for the message given on stdin, our A-R included (as the peers do)
                    .cvFromAuthResults(true)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        byte[] input = in.readAllBytes();
        MailMessage message = MailMessage.parse(input);
        ArcSealResult r = sealer.seal(message, null, ArcCli.now(a));
        if (!r.sealed()) {
            err.println("arc-seal: not sealed: " + r.reason());
            out.write(input);
            return 0;
        }
        out.write(r.applyTo(message));
        return 0;
    }
}
