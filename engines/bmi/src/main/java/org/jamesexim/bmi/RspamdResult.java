package org.jamesexim.bmi;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.jamesexim.common.LogText;

/**
 * The parts of one Rspamd {@code /checkv2} reply the engine uses. Immutable.
 *
 * <p>The reply comes from outside (Rspamd, or whatever listens on its address), so {@link #parse(byte[])} reads it
 * as a stream of JSON tokens, once, and keeps only {@code action}, {@code score}, {@code required_score},
 * {@code is_skipped}, the {@code symbols} names and scores, {@code messages.smtp_message} and {@code error}; nothing
 * else is built in memory. Limits, each refusing the reply (a failed scan) when passed: nesting deeper than
 * {@value #MAX_DEPTH}, more than {@value #MAX_SYMBOLS} symbols, a symbol name longer than {@value #MAX_NAME}
 * characters or outside visible ASCII, an action longer than {@value #MAX_NAME}. The body size is capped by the
 * client ({@link RspamdClient#MAX_REPLY}). Work is linear in the body size.</p>
 */
public final class RspamdResult {
    /** Deepest nesting of objects and arrays accepted (a real reply nests 4 deep). */
    public static final int MAX_DEPTH = 16;
    /** Most symbols accepted in one reply (a real reply has tens). */
    public static final int MAX_SYMBOLS = 1024;
    /** Longest symbol name or action accepted. */
    public static final int MAX_NAME = 128;
    /** {@code messages.smtp_message} is kept up to this many characters (it is only logged). */
    static final int MAX_MESSAGE = 256;

    private static final JsonFactory JSON = new JsonFactory();

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
     * @throws IllegalArgumentException when it is not a JSON object, has no {@code action}, carries {@code error},
     *                                  or passes one of the limits; never any other exception
     */
    public static RspamdResult parse(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            return read(p);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("reply is not JSON: " + firstLine(e.getMessage()));
        }
    }

    private static RspamdResult read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("reply is not a JSON object");
        }
        String action = null;
        double score = 0;
        double required = 0;
        boolean skipped = false;
        String smtpMessage = "";
        String error = null;
        Map<String, Double> symbols = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = fieldName(p, t);
            JsonToken v = p.nextToken();
            switch (field) {
                case "action":
                    action = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    skip(p, v, 1);
                    break;
                case "score":
                    score = number(p, v, 1);
                    break;
                case "required_score":
                    required = number(p, v, 1);
                    break;
                case "is_skipped":
                    skipped = v == JsonToken.VALUE_TRUE;
                    skip(p, v, 1);
                    break;
                case "error":
                    error = v == JsonToken.VALUE_STRING ? p.getText() : "(" + v + ")";
                    skip(p, v, 1);
                    break;
                case "symbols":
                    symbols(p, v, symbols);
                    break;
                case "messages":
                    smtpMessage = messages(p, v);
                    break;
                default:
                    skip(p, v, 1);
            }
        }
        if (p.nextToken() != null) {
            throw new IllegalArgumentException("reply has data after its JSON object");
        }
        if (error != null) {
            throw new IllegalArgumentException("rspamd error: " + LogText.escape(error, MAX_MESSAGE));
        }
        if (action == null || action.isEmpty()) {
            throw new IllegalArgumentException("reply has no action");
        }
        if (action.length() > MAX_NAME) {
            throw new IllegalArgumentException("reply has an action longer than " + MAX_NAME + " characters");
        }
        return new RspamdResult(action, score, required, skipped, symbols, smtpMessage);
    }

    private static String fieldName(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.FIELD_NAME) {
            throw new IllegalArgumentException("reply is not a JSON object");
        }
        return p.getCurrentName();
    }

    /** {@code symbols: {NAME: {score: ...}, ...}} (a non-object value counts as no symbols). */
    private static void symbols(JsonParser p, JsonToken v, Map<String, Double> out) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            skip(p, v, 1);
            return;
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = fieldName(p, t);
            if (name.isEmpty() || name.length() > MAX_NAME || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("reply has a symbol name that is not a Rspamd symbol: '"
                    + LogText.escape(name, 40) + "'");
            }
            if (out.size() >= MAX_SYMBOLS && !out.containsKey(name)) {
                throw new IllegalArgumentException("reply has more than " + MAX_SYMBOLS + " symbols");
            }
            JsonToken s = p.nextToken();
            double score = 0;
            if (s == JsonToken.START_OBJECT) {
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String key = fieldName(p, f);
                    JsonToken fv = p.nextToken();
                    if (key.equals("score")) {
                        score = number(p, fv, 3);
                    } else {
                        skip(p, fv, 3);
                    }
                }
            } else {
                skip(p, s, 2);
            }
            out.put(name, score);
        }
    }

    /** {@code messages: {smtp_message: "..."}}. */
    private static String messages(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            skip(p, v, 1);
            return "";
        }
        String smtp = "";
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = fieldName(p, t);
            JsonToken fv = p.nextToken();
            if (key.equals("smtp_message") && fv == JsonToken.VALUE_STRING) {
                smtp = LogText.escape(p.getText(), MAX_MESSAGE);
            } else {
                skip(p, fv, 2);
            }
        }
        return smtp;
    }

    /** A number value, or 0 for anything else (which is skipped). */
    private static double number(JsonParser p, JsonToken v, int depth) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getValueAsDouble();
            return Double.isFinite(d) ? d : 0;
        }
        skip(p, v, depth);
        return 0;
    }

    /**
     * Skips the value starting at {@code v} (whose container is at nesting {@code depth}), counting the nesting
     * itself so that no level beyond {@link #MAX_DEPTH} is ever entered.
     */
    private static void skip(JsonParser p, JsonToken v, int depth) throws IOException {
        if (v == null) {
            throw new IllegalArgumentException("reply ends inside its JSON object");
        }
        if (!v.isStructStart()) {
            return;
        }
        int level = depth + 1;
        if (level > MAX_DEPTH) {
            throw new IllegalArgumentException("reply nests deeper than " + MAX_DEPTH + " levels");
        }
        int open = 1;
        while (open > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("reply ends inside its JSON object");
            }
            if (t.isStructStart()) {
                open++;
                if (level + open - 1 > MAX_DEPTH) {
                    throw new IllegalArgumentException("reply nests deeper than " + MAX_DEPTH + " levels");
                }
            } else if (t.isStructEnd()) {
                open--;
            }
        }
    }

    private static String firstLine(String message) {
        return LogText.escape(String.valueOf(message).split("\n")[0], 200);
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

    /** {@code messages.smtp_message}, empty if none (at most {@value #MAX_MESSAGE} characters, visible ASCII). */
    public String smtpMessage() {
        return smtpMessage;
    }

    @Override
    public String toString() {
        return "RspamdResult{action=" + action + ", score=" + score + ", symbols=" + symbols.keySet() + "}";
    }
}
