package org.jamesexim.bmi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One verdict: what to do with the recipients it lists, and why (the rules that fired).
 *
 * <p>Exim's BMI server returns one or more verdicts per message, each with its own recipient list; this is one
 * of them. {@link #base64()} is the spool form (base64 of a small JSON object with the recipient list, so the
 * verdict can be stored in a mail attribute and decoded again, as Exim stores it in the spool);
 * {@link #headerBase64()} is {@code $bmi_base64_verdict}, the same without the recipient list (it goes into message
 * headers, and a header naming the recipients of a verdict would tell every reader who else got the mail, Bcc
 * included); {@link #tracker()} is {@code $bmi_base64_tracker_verdict} (base64 of the comma-joined sorted rule
 * names). Immutable.</p>
 */
public final class BmiVerdict {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final BmiOutcome outcome;
    private final String altLocation;
    private final String action;
    private final double score;
    private final String profile;
    private final List<String> rules;
    private final List<Integer> ruleIds;
    private final List<String> recipients;

    private BmiVerdict(Builder b) {
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        if (outcome == BmiOutcome.DELIVER_ALTERNATE && (b.altLocation == null || b.altLocation.isEmpty())) {
            throw new IllegalArgumentException("an alternate verdict needs an alternate location");
        }
        this.altLocation = outcome == BmiOutcome.DELIVER_ALTERNATE ? b.altLocation : "";
        this.action = b.action == null ? "" : b.action;
        this.score = b.score;
        this.profile = b.profile == null ? "" : b.profile;
        this.rules = Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(b.rules)));
        this.ruleIds = Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(b.ruleIds)));
        TreeSet<String> rc = new TreeSet<>();
        for (String r : b.recipients) {
            rc.add(r.toLowerCase(Locale.ROOT));
        }
        if (rc.isEmpty() && !b.withoutRecipients) {
            throw new IllegalArgumentException("a verdict needs at least one recipient");
        }
        this.recipients = Collections.unmodifiableList(new ArrayList<>(rc));
    }

    public static Builder builder() {
        return new Builder();
    }

    public BmiOutcome outcome() {
        return outcome;
    }

    /** {@code $bmi_alt_location}: non-empty only for {@link BmiOutcome#DELIVER_ALTERNATE}. */
    public String altLocation() {
        return altLocation;
    }

    /** The engine's own word for the decision (Rspamd action, e.g. {@code add header}); informational. */
    public String action() {
        return action;
    }

    public double score() {
        return score;
    }

    /** The opt-in profile the recipients were scanned with ({@code OPT1:OPT2}), empty for none. */
    public String profile() {
        return profile;
    }

    /** Names of the rules that fired (Rspamd symbols), sorted. */
    public List<String> rules() {
        return rules;
    }

    /** Numeric ids of the rules that fired (through the configured {@code rule_ids} table), sorted. */
    public List<Integer> ruleIds() {
        return ruleIds;
    }

    /** The recipients this verdict applies to, lower case, sorted. */
    public List<String> recipients() {
        return recipients;
    }

    /** {@code $bmi_deliver}: false only for {@link BmiOutcome#DONT_DELIVER}. */
    public boolean deliver() {
        return outcome != BmiOutcome.DONT_DELIVER;
    }

    /** Whether this verdict lists {@code address} (compared case-insensitively, as Exim's strcmpic). */
    public boolean covers(String address) {
        return recipients.contains(address.toLowerCase(Locale.ROOT));
    }

    /** The spool form: base64 of the verdict with its recipient list (for mail attributes, never for headers). */
    public String base64() {
        return encode(true);
    }

    /**
     * {@code $bmi_base64_verdict}, the form for message headers: base64 of the verdict without its recipient list,
     * so that a copy of the message names no other recipient. {@link #decodeHeader(String)} reads it back.
     */
    public String headerBase64() {
        return encode(false);
    }

    private String encode(boolean withRecipients) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", FORMAT);
        o.put("outcome", outcome.word());
        if (!altLocation.isEmpty()) {
            o.put("alt", altLocation);
        }
        o.put("action", action);
        o.put("score", score);
        o.put("profile", profile);
        ArrayNode r = o.putArray("rules");
        rules.forEach(r::add);
        ArrayNode ids = o.putArray("ids");
        ruleIds.forEach(ids::add);
        if (withRecipients) {
            ArrayNode rc = o.putArray("rcpt");
            recipients.forEach(rc::add);
        }
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(o));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a verdict", e);
        }
    }

    /** {@code $bmi_base64_tracker_verdict}: base64 of the sorted rule names joined by commas (empty when none fired). */
    public String tracker() {
        if (rules.isEmpty()) {
            return "";
        }
        return Base64.getEncoder().encodeToString(String.join(",", rules).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes {@link #base64()}.
     *
     * @throws IllegalArgumentException saying what is wrong when the string is not a verdict of this format
     */
    public static BmiVerdict decode(String base64) {
        return decode(base64, false);
    }

    /**
     * Decodes {@link #headerBase64()} (a verdict without recipients, {@link #recipients()} empty); a spool-form
     * verdict is read too, its recipient list ignored.
     *
     * @throws IllegalArgumentException saying what is wrong when the string is not a verdict of this format
     */
    public static BmiVerdict decodeHeader(String base64) {
        return decode(base64, true);
    }

    private static BmiVerdict decode(String base64, boolean header) {
        JsonNode o;
        try {
            // the header form may have been folded by the header writer: the MIME decoder skips the folding
            o = JSON.readTree((header ? Base64.getMimeDecoder() : Base64.getDecoder()).decode(base64.trim()));
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("not a base64 BMI verdict: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject() || o.path("v").asInt() != FORMAT) {
            throw new IllegalArgumentException("not a BMI verdict of format " + FORMAT);
        }
        Builder b = builder()
            .outcome(BmiOutcome.fromWord(o.path("outcome").asText("")))
            .altLocation(o.path("alt").asText(""))
            .action(o.path("action").asText(""))
            .score(o.path("score").asDouble(0))
            .profile(o.path("profile").asText(""));
        o.path("rules").forEach(n -> b.rule(n.asText()));
        o.path("ids").forEach(n -> b.ruleId(n.asInt()));
        if (header) {
            b.withoutRecipients = true;
        } else {
            o.path("rcpt").forEach(n -> b.recipient(n.asText()));
        }
        return b.build();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BmiVerdict && ((BmiVerdict) other).base64().equals(base64());
    }

    @Override
    public int hashCode() {
        return base64().hashCode();
    }

    @Override
    public String toString() {
        return "BmiVerdict{" + outcome.word() + (altLocation.isEmpty() ? "" : " " + altLocation) + ", action=" + action
            + ", score=" + score + ", profile=" + profile + ", rules=" + rules + ", rcpt=" + recipients + "}";
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private BmiOutcome outcome;
        private String altLocation;
        private String action;
        private double score;
        private String profile;
        private final List<String> rules = new ArrayList<>();
        private final List<Integer> ruleIds = new ArrayList<>();
        private final List<String> recipients = new ArrayList<>();
        private boolean withoutRecipients;

        private Builder() {
        }

        public Builder outcome(BmiOutcome v) {
            this.outcome = v;
            return this;
        }

        public Builder altLocation(String v) {
            this.altLocation = v;
            return this;
        }

        public Builder action(String v) {
            this.action = v;
            return this;
        }

        public Builder score(double v) {
            this.score = v;
            return this;
        }

        public Builder profile(String v) {
            this.profile = v;
            return this;
        }

        public Builder rule(String name) {
            rules.add(Objects.requireNonNull(name));
            return this;
        }

        public Builder rules(Collection<String> names) {
            names.forEach(this::rule);
            return this;
        }

        public Builder ruleId(int id) {
            if (id > 0) {
                ruleIds.add(id);
            }
            return this;
        }

        public Builder recipient(String address) {
            recipients.add(Objects.requireNonNull(address));
            return this;
        }

        public Builder recipients(Collection<String> addresses) {
            addresses.forEach(this::recipient);
            return this;
        }

        public BmiVerdict build() {
            return new BmiVerdict(this);
        }
    }
}
