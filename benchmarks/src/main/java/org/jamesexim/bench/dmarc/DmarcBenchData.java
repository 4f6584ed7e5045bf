package org.jamesexim.bench.dmarc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.arc.TxtResolver;
import org.jamesexim.dmarc.DmarcInput;

/**
 * The DMARC benchmark's inputs, shared by {@link DmarcBenchmark} and the peers' bench modes
 * ({@code engines/dmarc/src/test/peers}): three messages' From, SPF and DKIM inputs with the DNS they need, in the
 * case format of the differential tests. {@code main(OUTDIR)} writes them as {@code <case>.json}.
 */
public final class DmarcBenchData {
    /** {@code pass}: own record, aligned DKIM; {@code subdomain}: sp of the org record, nothing aligns (2 lookups); {@code psl}: a From under co.uk, relaxed SPF alignment. */
    public static final String[] CASES = {"pass", "subdomain", "psl"};

    private DmarcBenchData() {
    }

    public static Map<String, Object> json(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Object> dns = new LinkedHashMap<>();
        List<List<String>> dkim = new ArrayList<>();
        switch (name) {
            case "pass":
                c.put("from", "alice@example.com");
                dns.put("_dmarc.example.com", List.of("v=DMARC1; p=reject; rua=mailto:dmarc@example.com"));
                dkim.add(List.of("lists.example.net", "pass"));
                dkim.add(List.of("example.com", "pass"));
                c.put("spf", List.of("pass", "lists.example.net"));
                break;
            case "subdomain":
                c.put("from", "alice@news.example.com");
                dns.put("_dmarc.example.com", List.of("v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=100"));
                dkim.add(List.of("example.com", "fail"));
                dkim.add(List.of("lists.example.net", "pass"));
                c.put("spf", List.of("pass", "lists.example.net"));
                break;
            default:
                c.put("from", "alice@mail.shop.example.co.uk");
                dns.put("_dmarc.shop.example.co.uk", List.of("v=DMARC1; p=quarantine"));
                c.put("spf", List.of("pass", "bounces.example.co.uk"));
                break;
        }
        c.put("dkim", dkim);
        c.put("dns", dns);
        return c;
    }

    @SuppressWarnings("unchecked")
    public static DmarcInput input(String name) {
        Map<String, Object> c = json(name);
        DmarcInput.Builder in = DmarcInput.builder().from("Alice <" + c.get("from") + ">");
        List<String> spf = (List<String>) c.get("spf");
        in.spf(spf.get(0), spf.get(1));
        for (List<String> d : (List<List<String>>) c.get("dkim")) {
            in.dkim(d.get(0), d.get(1));
        }
        return in.build();
    }

    /** The case's DNS, answered from memory (as the peers' harnesses do). */
    @SuppressWarnings("unchecked")
    public static TxtResolver resolver(String name) {
        Map<String, Object> dns = (Map<String, Object>) json(name).get("dns");
        return n -> (List<String>) dns.getOrDefault(n.toLowerCase(java.util.Locale.ROOT), List.of());
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Paths.get(args[0]));
        for (String c : CASES) {
            Files.write(out.resolve(c + ".json"), new ObjectMapper().writeValueAsBytes(List.of(json(c))));
        }
    }
}
