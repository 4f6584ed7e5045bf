package org.jamesexim.bmi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * All verdicts of one message, in the order the engine returned them.
 *
 * <p>{@link #encode()} is Exim's spool form ({@code -bmi_verdicts <v1>:<v2>...}): the base64 verdicts joined by
 * {@code :}. {@link #parse(String)} reads it back; like Exim, an undecodable verdict is dropped (its recipients then
 * get the no-verdict defaults) and reported through {@link #errors()}. Immutable.</p>
 */
public final class BmiVerdicts {
    private static final BmiVerdicts EMPTY = new BmiVerdicts(List.of(), List.of());

    private final List<BmiVerdict> verdicts;
    private final List<String> errors;

    private BmiVerdicts(List<BmiVerdict> verdicts, List<String> errors) {
        this.verdicts = Collections.unmodifiableList(new ArrayList<>(verdicts));
        this.errors = Collections.unmodifiableList(new ArrayList<>(errors));
    }

    public static BmiVerdicts empty() {
        return EMPTY;
    }

    public static BmiVerdicts of(List<BmiVerdict> verdicts) {
        return new BmiVerdicts(verdicts, List.of());
    }

    /** Reads {@link #encode()}; never throws (bad items are dropped and listed in {@link #errors()}). */
    public static BmiVerdicts parse(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return EMPTY;
        }
        List<BmiVerdict> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String item : encoded.split(":")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                out.add(BmiVerdict.decode(item));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        return new BmiVerdicts(out, errors);
    }

    public List<BmiVerdict> verdicts() {
        return verdicts;
    }

    /** Why items were dropped by {@link #parse(String)}; empty otherwise. */
    public List<String> errors() {
        return errors;
    }

    public boolean isEmpty() {
        return verdicts.isEmpty();
    }

    /** The first verdict listing {@code address}, case-insensitively (Exim: first match wins). */
    public Optional<BmiVerdict> forAddress(String address) {
        for (BmiVerdict v : verdicts) {
            if (v.covers(address)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Exim's spool form: base64 verdicts joined by {@code :}; empty when there are none. */
    public String encode() {
        return verdicts.stream().map(BmiVerdict::base64).collect(Collectors.joining(":"));
    }

    @Override
    public String toString() {
        return verdicts.toString();
    }
}
