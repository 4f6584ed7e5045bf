package org.jamesexim.dcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator is shown of one dccifd check, once for every tool: the CLI's {@code dcc-check} prints it as
 * {@code key=value} lines (or JSON with {@code --json}), WebAdmin's {@code POST /dcc/check} answers it:
 * {@code dcc_result} (dccifd's overall letter), {@code recipients} (one letter per recipient), {@code dcc_header},
 * {@code detail}, {@code outcome} (accept, fail, defer) and {@code actions} (what is done with each recipient).
 */
public final class DccReport {
    private DccReport() {
    }

    public static Map<String, Object> check(DccResult result, int recipientCount, DccDecision.Mode mode, boolean deferOk) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dcc_result", result.dccResult());
        m.put("recipients", result.recipientResults());
        m.put("dcc_header", result.dccHeader());
        m.put("detail", result.detail());
        m.put("outcome", result.outcome(deferOk).word());
        List<String> actions = new ArrayList<>();
        for (DccDecision.Action a : DccDecision.of(result, recipientCount, mode, deferOk).recipients()) {
            actions.add(a.word());
        }
        m.put("actions", actions);
        return Collections.unmodifiableMap(m);
    }

    /** {@link #check} as the {@code key=value} lines {@code dcc-check} prints (the header's line ends written {@code \n}). */
    @SuppressWarnings("unchecked")
    public static List<String> lines(Map<String, Object> report) {
        List<String> out = new ArrayList<>();
        out.add("dcc_result=" + report.get("dcc_result"));
        out.add("recipients=" + report.get("recipients"));
        out.add("dcc_header=" + String.valueOf(report.get("dcc_header")).replace("\n", "\\n"));
        out.add("detail=" + report.get("detail"));
        out.add("outcome=" + report.get("outcome"));
        out.add("actions=" + String.join(",", (List<String>) report.get("actions")));
        return out;
    }
}
