package org.jamesexim.arc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an operator is shown of one ARC verification, once for every tool: the CLI's {@code arc-verify} prints it,
 * WebAdmin's {@code POST /arc/verify} answers it: {@code state} (none, pass, fail), {@code reason}, {@code domains}
 * (the sealers, oldest first) and {@code oldest_pass}, the words of the {@code jexim.arc_*} attributes.
 */
public final class ArcReport {
    private ArcReport() {
    }

    public static Map<String, Object> verification(ArcVerification v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", v.state().word());
        json.put("reason", v.reason());
        json.put("domains", v.domains());
        json.put("oldest_pass", v.oldestPass());
        return Collections.unmodifiableMap(json);
    }
}
