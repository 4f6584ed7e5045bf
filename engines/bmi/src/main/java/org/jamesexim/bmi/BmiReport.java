package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator is shown of one BMI scan, once for every tool: the CLI's {@code bmi-scan} prints it as lines
 * (or JSON with {@code --json}), WebAdmin's {@code POST /bmi/scan} answers it: per recipient its {@code outcome}
 * (default, alternate, dont_deliver), {@code bmi_deliver}, {@code bmi_alt_location}, {@code bmi_base64_verdict}
 * and, when it has a verdict, Rspamd's {@code action}, {@code score}, the {@code profile} and the {@code rules} fired.
 */
public final class BmiReport {
    private BmiReport() {
    }

    public static List<Map<String, Object>> scan(Iterable<String> recipients, BmiVerdicts verdicts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String rcpt : recipients) {
            BmiRouting r = BmiRouting.of(verdicts.forAddress(rcpt));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recipient", rcpt);
            m.put("outcome", r.dontDeliver() ? "dont_deliver" : r.deliverAlternate() ? "alternate" : "default");
            m.put("bmi_deliver", r.deliver());
            m.put("bmi_alt_location", r.altLocation());
            r.verdict().ifPresent(v -> {
                m.put("action", v.action());
                m.put("score", v.score());
                m.put("profile", v.profile());
                m.put("rules", v.rules());
            });
            m.put("bmi_base64_verdict", r.base64Verdict());
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }

    /** One recipient of {@link #scan} as the two lines {@code bmi-scan} prints. */
    @SuppressWarnings("unchecked")
    public static List<String> lines(Map<String, Object> r) {
        String rcpt = (String) r.get("recipient");
        String verdict = r.containsKey("action")
            ? " action=" + r.get("action") + " score=" + r.get("score") + " profile=" + r.get("profile")
                + " rules=" + String.join(",", (List<String>) r.get("rules"))
            : " (no verdict)";
        return List.of(rcpt + ": outcome=" + r.get("outcome") + " bmi_deliver=" + r.get("bmi_deliver") + " bmi_alt_location="
            + r.get("bmi_alt_location") + verdict, rcpt + ": bmi_base64_verdict=" + r.get("bmi_base64_verdict"));
    }
}
