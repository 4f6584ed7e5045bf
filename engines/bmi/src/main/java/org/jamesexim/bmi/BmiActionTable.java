package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configurable table that turns an engine's action and score into a BMI decision.
 *
 * <p>Text form: entries separated by commas or new lines, each {@code key = value}. A key is an action name
 * (Rspamd: {@code no action}, {@code greylist}, {@code add header}, {@code rewrite subject}, {@code soft reject},
 * {@code reject}, {@code discard}, {@code quarantine}, ...; case-insensitive), {@code *} for any other action, or
 * {@code score>=N}. A value is {@code default}, {@code alternate:<location>}, {@code dont_deliver}, {@code none}
 * (no verdict: the recipients get the no-verdict defaults) or {@code tempfail} (the scan counts as failed, see the
 * caller's fail-open/fail-closed policy).</p>
 *
 * <p>The action's entry decides; then the highest {@code score>=N} entry the score reaches overrides it when it is
 * stricter (default &lt; alternate &lt; dont_deliver). Score entries never override {@code none} or {@code tempfail}.
 * Immutable.</p>
 */
public final class BmiActionTable {

    /** The table used when none is configured. */
    public static final String DEFAULT_TABLE = "no action = default, greylist = default, add header = alternate:Junk, "
        + "rewrite subject = alternate:Junk, quarantine = alternate:Junk, reject = dont_deliver, discard = dont_deliver, "
        + "soft reject = tempfail, * = default";

    /** What one table entry says. */
    public static final class Decision {
        /** The kinds of decision. */
        public enum Kind { VERDICT, NONE, TEMPFAIL }

        private final Kind kind;
        private final BmiOutcome outcome;
        private final String altLocation;

        private Decision(Kind kind, BmiOutcome outcome, String altLocation) {
            this.kind = kind;
            this.outcome = outcome;
            this.altLocation = altLocation;
        }

        public Kind kind() {
            return kind;
        }

        /** Set for {@link Kind#VERDICT}. */
        public BmiOutcome outcome() {
            return outcome;
        }

        /** Set for {@link BmiOutcome#DELIVER_ALTERNATE}, else empty. */
        public String altLocation() {
            return altLocation;
        }

        static Decision parse(String value) {
            String v = value.trim();
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.equals("none")) {
                return new Decision(Kind.NONE, null, "");
            }
            if (lower.equals("tempfail")) {
                return new Decision(Kind.TEMPFAIL, null, "");
            }
            if (lower.startsWith("alternate")) {
                String loc = v.length() > "alternate".length() && v.charAt("alternate".length()) == ':'
                    ? v.substring("alternate:".length()).trim() : "";
                if (loc.isEmpty()) {
                    throw new IllegalArgumentException("'" + v + "' needs a location: alternate:<location>, e.g. alternate:Junk");
                }
                return new Decision(Kind.VERDICT, BmiOutcome.DELIVER_ALTERNATE, loc);
            }
            return new Decision(Kind.VERDICT, BmiOutcome.fromWord(v), "");
        }

        @Override
        public String toString() {
            if (kind != Kind.VERDICT) {
                return kind.name().toLowerCase(Locale.ROOT);
            }
            return outcome == BmiOutcome.DELIVER_ALTERNATE ? "alternate:" + altLocation : outcome.word();
        }
    }

    private final Map<String, Decision> byAction;
    private final List<Map.Entry<Double, Decision>> byScore;

    private BmiActionTable(Map<String, Decision> byAction, List<Map.Entry<Double, Decision>> byScore) {
        this.byAction = Collections.unmodifiableMap(byAction);
        this.byScore = Collections.unmodifiableList(byScore);
    }

    public static BmiActionTable defaults() {
        return parse(DEFAULT_TABLE);
    }

    /**
     * @throws IllegalArgumentException naming the bad entry
     */
    public static BmiActionTable parse(String text) {
        Map<String, Decision> byAction = new LinkedHashMap<>();
        List<Map.Entry<Double, Decision>> byScore = new ArrayList<>();
        for (String raw : text.split("[,\r\n]")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.startsWith("score>=") ? entry.indexOf('=', "score>=".length()) : entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad entry '" + entry + "': expected '<action> = <outcome>' or 'score>=N = <outcome>'");
            }
            String key = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
            Decision d;
            try {
                d = Decision.parse(entry.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad entry '" + entry + "': " + e.getMessage(), e);
            }
            if (key.startsWith("score>=")) {
                if (d.kind() != Decision.Kind.VERDICT) {
                    throw new IllegalArgumentException("bad entry '" + entry + "': a score entry must give default, alternate:<location> or dont_deliver");
                }
                try {
                    byScore.add(Map.entry(Double.parseDouble(key.substring("score>=".length()).trim()), d));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad entry '" + entry + "': score threshold is not a number");
                }
            } else {
                byAction.put(key, d);
            }
        }
        byScore.sort(Comparator.comparing((Map.Entry<Double, Decision> e) -> e.getKey()).reversed());
        return new BmiActionTable(byAction, byScore);
    }

    /** The decision for an engine result. */
    public Decision decide(String action, double score) {
        String key = action == null ? "" : action.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        Decision d = byAction.get(key);
        if (d == null) {
            d = byAction.getOrDefault("*", new Decision(Decision.Kind.VERDICT, BmiOutcome.DELIVER_DEFAULT, ""));
        }
        if (d.kind() != Decision.Kind.VERDICT) {
            return d;
        }
        for (Map.Entry<Double, Decision> e : byScore) {
            if (score >= e.getKey()) {
                if (e.getValue().outcome().ordinal() > d.outcome().ordinal()) {
                    d = e.getValue();
                }
                break;
            }
        }
        return d;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        byAction.forEach((k, v) -> parts.add(k + " = " + v));
        byScore.forEach(e -> parts.add("score>=" + e.getKey() + " = " + e.getValue()));
        return String.join(", ", parts);
    }
}
