package org.jamesexim.bmi;

import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The parts of one Rspamd {@code /checkv2} reply the engine uses. Immutable. */
public final class RspamdResult {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String action;
    private final double score;
    private final double requiredScore;
    private final boolean skipped;
    private final Map<String, Double> symbols;
    private final String smtpMessage;

    RspamdResult(String action, double score, double requiredScore, boolean skipped, Map<String, Double> symbols, String smtpMessage) {
        this.action = action;
        this.score = score;
        this.requiredScore = requiredScore;
        this.skipped = skipped;
        this.symbols = Collections.unmodifiableMap(new LinkedHashMap<>(symbols));
        this.smtpMessage = smtpMessage;
    }

    /**
     * Parses a {@code /checkv2} JSON body.
     *
     * @throws IllegalArgumentException when it is not JSON or has no {@code action}
     */
    public static RspamdResult parse(byte[] body) {
        JsonNode o;
        try {
            o = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("reply is not JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("reply is not a JSON object");
        }
        if (o.has("error")) {
            throw new IllegalArgumentException("rspamd error: " + o.path("error").asText());
        }
        JsonNode action = o.get("action");
        if (action == null || !action.isTextual() || action.asText().isEmpty()) {
            throw new IllegalArgumentException("reply has no action");
        }
        Map<String, Double> symbols = new LinkedHashMap<>();
        JsonNode syms = o.path("symbols");
        for (Iterator<Map.Entry<String, JsonNode>> it = syms.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            symbols.put(e.getKey(), e.getValue().path("score").asDouble(0));
        }
        return new RspamdResult(action.asText(), o.path("score").asDouble(0), o.path("required_score").asDouble(0),
            o.path("is_skipped").asBoolean(false), symbols, o.path("messages").path("smtp_message").asText(""));
    }

    public String action() {
        return action;
    }

    public double score() {
        return score;
    }

    /** Not reliable as the reject threshold (see the research notes); informational. */
    public double requiredScore() {
        return requiredScore;
    }

    public boolean skipped() {
        return skipped;
    }

    /** Symbols that fired, name to score. */
    public Map<String, Double> symbols() {
        return symbols;
    }

    /** {@code messages.smtp_message}, empty if none. */
    public String smtpMessage() {
        return smtpMessage;
    }

    @Override
    public String toString() {
        return "RspamdResult{action=" + action + ", score=" + score + ", symbols=" + symbols.keySet() + "}";
    }
}
