package org.jamesexim.srs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an operator is shown of one SRS forward or reverse, once for every tool: the CLI's {@code srs-forward} /
 * {@code srs-reverse --json} print it, WebAdmin's {@code /srs} routes answer it. Keys are the words of the
 * {@code jexim.srs_*} attributes; values are plain strings (null when there is none). No secret is ever part of
 * a result.
 */
public final class SrsReport {
    private SrsReport() {
    }

    /** {@code srs_orig_recipient} (the address asked about), {@code srs_status}, {@code srs_recipient} (when decoded), {@code reason}. */
    public static Map<String, Object> reverse(SrsReverseResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("srs_orig_recipient", r.origRecipient());
        m.put("srs_status", r.status().text());
        m.put("srs_recipient", r.recipient().orElse(null));
        m.put("reason", r.error().orElse(null));
        return Collections.unmodifiableMap(m);
    }

    /** {@code srs_orig_sender} (the sender asked about), {@code outcome} (rewritten, unchanged, too_long, defer, failed), {@code address}, {@code reason}. */
    public static Map<String, Object> forward(SrsForwardResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("srs_orig_sender", r.origSender());
        m.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        m.put("address", r.address());
        m.put("reason", r.error().orElse(null));
        return Collections.unmodifiableMap(m);
    }
}
