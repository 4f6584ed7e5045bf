package org.jamesexim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.arc.ArcSetInfo;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.HeaderField;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.TxtResolver;
import org.jamesexim.dmarc.DmarcInput;
import org.jamesexim.dmarc.DmarcResult;
import org.jamesexim.dmarc.DmarcVerifier;
import org.jamesexim.dmarc.PublicSuffixes;

/**
 * {@code dmarc-check [--dns FILE] [--from ADDRESS] [--spf RESULT:DOMAIN] [--dkim DOMAIN:RESULT]...
 * [--trusted-sealers D,D] [--arc-override] [--discovery psl|treewalk] [--psl FILE] [--now EPOCH] [< message]}:
 * evaluates DMARC with the engine DmarcVerifyHook uses and prints one JSON object
 * {@code {"result":"fail","policy":"reject","disposition":"none","domain":"origin.test","policy_domain":"origin.test",
 * "override":"arc","reason":"...","auth_result":"dmarc=fail (...) header.from=origin.test policy.override=arc"}}.
 * The From domain comes from {@code --from} or the message on stdin; SPF and DKIM results are given (the command
 * checks neither); with a message and {@code --trusted-sealers}, its ARC chain is verified for the override. Exit
 * code 0 whatever the result.
 */
public final class DmarcCheckCommand implements CliCommand {
    @Override
    public String name() {
        return "dmarc-check";
    }

    @Override
    public String summary() {
        return "evaluate DMARC: dmarc-check [--dns FILE] [--from ADDR] [--spf R:DOMAIN] [--dkim DOMAIN:R]... "
                + "[--trusted-sealers D,..] [--arc-override] [--discovery psl|treewalk] [--psl FILE] [< message]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("arc-override"),
                Set.of("dns", "from", "spf", "dkim", "trusted-sealers", "discovery", "psl", "now"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("takes no file argument (the message, if any, comes on stdin)");
        }
        TxtResolver resolver = ArcCli.resolver(a);
        DmarcVerifier.Builder b = DmarcVerifier.builder(resolver).arcOverride(a.has("arc-override"));
        String discovery = a.get("discovery", "psl").toLowerCase(Locale.ROOT);
        if (!discovery.equals("psl") && !discovery.equals("treewalk")) {
            throw new UsageException("--discovery must be psl or treewalk");
        }
        b.discovery(discovery.equals("psl") ? DmarcVerifier.Discovery.PSL : DmarcVerifier.Discovery.TREEWALK);
        String psl = a.get("psl", null);
        if (psl != null) {
            try {
                b.publicSuffixes(PublicSuffixes.file(Paths.get(psl)));
            } catch (IOException e) {
                throw new UsageException("--psl " + psl + ": " + e.getMessage());
            }
        }
        DmarcInput.Builder input = DmarcInput.builder();
        String from = a.get("from", null);
        MailMessage message = null;
        if (from != null) {
            input.from(from);
        } else {
            message = MailMessage.parse(in.readAllBytes());
            for (HeaderField h : message.headers()) {
                if (h.hasName("from")) {
                    input.from(h.value());
                }
            }
        }
        String spf = a.get("spf", null);
        if (spf != null) {
            String[] p = pair(spf, "--spf RESULT:DOMAIN");
            input.spf(p[0], p[1]);
        }
        for (String d : a.all("dkim")) {
            String[] p = pair(d, "--dkim DOMAIN:RESULT");
            input.dkim(p[0], p[1]);
        }
        String trusted = a.get("trusted-sealers", null);
        if (message != null && trusted != null) {
            ArcVerification v = new ArcVerifier(resolver).verify(message, ArcCli.now(a));
            ArcSetInfo newest = v.newest();
            String sealer = v.state() == ArcState.PASS && newest != null
                    && List.of(trusted.toLowerCase(Locale.ROOT).split("[,\\s:]+")).contains(newest.domain().toLowerCase(Locale.ROOT))
                    ? newest.domain().toLowerCase(Locale.ROOT) : null;
            input.arc(v.state().word(), sealer, null);
        }
        DmarcResult r = b.build().verify(input.build());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("result", r.status().word());
        json.put("policy", r.policy() == null ? "" : r.policy().word());
        json.put("disposition", r.disposition().word());
        json.put("domain", r.fromDomain());
        json.put("policy_domain", r.policyDomain());
        json.put("override", r.override());
        json.put("reason", r.reason());
        json.put("auth_result", r.authResult());
        out.println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    private static String[] pair(String v, String usage) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new UsageException("expected " + usage + ", got '" + v + "'");
        }
        return new String[] {v.substring(0, colon), v.substring(colon + 1)};
    }
}
