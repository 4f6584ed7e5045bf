package org.jamesexim.bmi;

import java.util.Locale;

/** The three things a BMI verdict can tell the router to do with one recipient (Exim spec, section 4). */
public enum BmiOutcome {
    /** Deliver the message normally ({@code bmi_deliver_default}). */
    DELIVER_DEFAULT("default"),
    /** Deliver the message to the alternate location ({@code bmi_deliver_alternate}, {@code $bmi_alt_location}). */
    DELIVER_ALTERNATE("alternate"),
    /** Do not deliver the message to this recipient ({@code bmi_dont_deliver}, {@code $bmi_deliver} = 0). */
    DONT_DELIVER("dont_deliver");

    private final String word;

    BmiOutcome(String word) {
        this.word = word;
    }

    /** The word used in configuration tables and in the encoded verdict: default, alternate, dont_deliver. */
    public String word() {
        return word;
    }

    public static BmiOutcome fromWord(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (BmiOutcome o : values()) {
            if (o.word.equals(w)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown BMI outcome '" + word + "': expected default, alternate or dont_deliver");
    }
}
