package org.jamesexim.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jamesexim.common.Durations;
import org.jamesexim.common.Endpoint;
import org.jamesexim.common.LogText;

/**
 * One declared parameter: its name, kind, default (as text, the way an operator would write it), allowed values,
 * whether it is secret and required, and the old names it is still accepted under. Immutable; the {@code with}-style
 * methods return a changed copy. The grammar of each kind is in the {@link org.jamesexim.common.config package}
 * description.
 *
 * @param <T> what the text becomes
 */
public final class Param<T> {
    /** The kinds of parameter; each has one grammar. */
    public enum Kind { BOOLEAN, DURATION, INTEGER, CHOICE, LIST, ENDPOINT, TEXT }

    /** List items separated by commas only (items may hold blanks: {@code bad hash, expired}). */
    public static final String COMMAS = "\\s*,\\s*";
    /** List items separated by commas or blanks. */
    public static final String COMMAS_BLANKS = "[,\\s]+";
    /** List items separated by colons (Exim's separator), commas or blanks. */
    public static final String COLONS_COMMAS_BLANKS = "[:,\\s]+";

    private static final Pattern DECIMAL_SECONDS = Pattern.compile("[0-9]{1,9}\\.[0-9]{1,3}");

    private final String name;
    private final Kind kind;
    private final String defaultText;
    private final String requiredHint;
    private final boolean secret;
    private final List<String> aliases;
    private final List<String> allowed;
    private final Duration minDuration;
    private final Duration maxDuration;
    private final long minInt;
    private final long maxInt;
    private final String separator;
    private final Function<String, ?> check;
    private final String doc;
    private final boolean emptyIsValue;
    private final boolean legacyYesNo;

    private Param(String name, Kind kind, String defaultText, String requiredHint, boolean secret, List<String> aliases,
                  List<String> allowed, Duration minDuration, Duration maxDuration, long minInt, long maxInt, String separator,
                  Function<String, ?> check, String doc, boolean emptyIsValue, boolean legacyYesNo) {
        this.emptyIsValue = emptyIsValue;
        this.legacyYesNo = legacyYesNo;
        this.name = name;
        this.kind = kind;
        this.defaultText = defaultText;
        this.requiredHint = requiredHint;
        this.secret = secret;
        this.aliases = aliases;
        this.allowed = allowed;
        this.minDuration = minDuration;
        this.maxDuration = maxDuration;
        this.minInt = minInt;
        this.maxInt = maxInt;
        this.separator = separator;
        this.check = check;
        this.doc = doc;
    }

    private static <T> Param<T> of(String name, Kind kind, String defaultText) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        if (defaultText != null && defaultText.trim().isEmpty()) {
            // an empty default would read as "no default": say so with null
            throw new IllegalArgumentException(name + ": declare no default (null) rather than an empty one");
        }
        return new Param<>(name, kind, defaultText == null ? null : defaultText.trim(), null, false, List.of(), List.of(), null, null,
                Long.MIN_VALUE, Long.MAX_VALUE, COMMAS_BLANKS, null, "", false, false);
    }

    private <U> Param<U> copy(String defaultText, String requiredHint, boolean secret, List<String> aliases, List<String> allowed,
                              Duration minDuration, Duration maxDuration, long minInt, long maxInt, String separator,
                              Function<String, ?> check, String doc) {
        return new Param<>(name, kind, defaultText, requiredHint, secret, aliases, allowed, minDuration, maxDuration, minInt,
                maxInt, separator, check, doc, emptyIsValue, legacyYesNo);
    }

    /** {@code true} or {@code false}. */
    public static Param<Boolean> bool(String name, boolean dflt) {
        return of(name, Kind.BOOLEAN, String.valueOf(dflt));
    }

    /** A positive duration; {@code dflt} like {@code 5s} ({@code null}: none). */
    public static Param<Duration> duration(String name, String dflt) {
        return of(name, Kind.DURATION, dflt);
    }

    /** A whole number from {@code min} to {@code max}; {@code dflt} {@code null}: none. */
    public static Param<Integer> integer(String name, Integer dflt, int min, int max) {
        Param<Integer> p = of(name, Kind.INTEGER, dflt == null ? null : String.valueOf(dflt));
        return p.copy(p.defaultText, null, false, p.aliases, p.allowed, null, null, min, max, p.separator, null, p.doc);
    }

    /** One of {@code allowed} (any case); the value is the allowed word as declared. */
    public static Param<String> choice(String name, String dflt, String... allowed) {
        Param<String> p = of(name, Kind.CHOICE, dflt);
        return p.copy(p.defaultText, null, false, p.aliases, List.of(allowed), null, null, p.minInt, p.maxInt, p.separator, null, p.doc);
    }

    /** A list of words separated as {@code separator} ({@link #COMMAS}, {@link #COMMAS_BLANKS}, ...); empty by default. */
    public static Param<List<String>> list(String name, String dflt, String separator) {
        Param<List<String>> p = of(name, Kind.LIST, dflt);
        return p.copy(p.defaultText, null, false, p.aliases, p.allowed, null, null, p.minInt, p.maxInt, separator, null, p.doc);
    }

    /** Where a service listens: a unix socket path or {@code host port}. */
    public static Param<Endpoint> endpoint(String name, String dflt) {
        return of(name, Kind.ENDPOINT, dflt);
    }

    /** Text, trimmed. */
    public static Param<String> text(String name, String dflt) {
        return of(name, Kind.TEXT, dflt);
    }

    /**
     * Text turned into a {@code T} by {@code parser}, which throws IllegalArgumentException saying what is wrong
     * (the message follows {@code NAME: bad value 'TEXT': }).
     */
    public static <T> Param<T> custom(String name, String dflt, Function<String, T> parser) {
        Param<T> p = of(name, Kind.TEXT, dflt);
        return p.copy(p.defaultText, null, false, p.aliases, p.allowed, null, null, p.minInt, p.maxInt, p.separator,
                Objects.requireNonNull(parser), p.doc);
    }

    /** The value is a secret: it is never shown, not even in an error. */
    public Param<T> secret() {
        return copy(defaultText, requiredHint, true, aliases, allowed, minDuration, maxDuration, minInt, maxInt, separator, check, doc);
    }

    /** Required: absent or empty fails start-up, with {@code hint} (what to give) in the message. */
    public Param<T> required(String hint) {
        return copy(defaultText, hint == null ? "" : hint, secret, aliases, allowed, minDuration, maxDuration, minInt, maxInt,
                separator, check, doc);
    }

    /** Also accepted under these old names, each use logged as deprecated. */
    public Param<T> alias(String... oldNames) {
        List<String> all = new ArrayList<>(aliases);
        all.addAll(Arrays.asList(oldNames));
        return copy(defaultText, requiredHint, secret, Collections.unmodifiableList(all), allowed, minDuration, maxDuration,
                minInt, maxInt, separator, check, doc);
    }

    /** A list whose items must be among {@code words} (any case; the value holds the words as declared). */
    public Param<T> allowed(String... words) {
        return copy(defaultText, requiredHint, secret, aliases, List.of(words), minDuration, maxDuration, minInt, maxInt,
                separator, check, doc);
    }

    /**
     * Text or list items checked (and possibly rewritten, e.g. lower-cased) by {@code itemCheck}, which throws
     * IllegalArgumentException saying what is wrong.
     */
    public Param<T> check(Function<String, String> itemCheck) {
        return copy(defaultText, requiredHint, secret, aliases, allowed, minDuration, maxDuration, minInt, maxInt, separator,
                itemCheck, doc);
    }

    /** A duration that may also be zero. */
    public Param<T> allowZero() {
        return copy(defaultText, requiredHint, secret, aliases, allowed, Duration.ZERO, maxDuration, minInt, maxInt, separator,
                check, doc);
    }

    /** A duration of at most {@code max} (written like {@code 5m}). */
    public Param<T> atMost(String max) {
        return copy(defaultText, requiredHint, secret, aliases, allowed, minDuration, parseDuration(max), minInt, maxInt,
                separator, check, doc);
    }

    /** A duration from {@code min} to {@code max} (written like {@code 1s}, {@code 60s}). */
    public Param<T> between(String min, String max) {
        return copy(defaultText, requiredHint, secret, aliases, allowed, parseDuration(min), parseDuration(max), minInt, maxInt,
                separator, check, doc);
    }

    /**
     * A text or list given empty ({@code <name></name>}) means "none" (the empty text, the empty list) instead of the
     * default, as for a list of headers to remove; absent still means the default.
     */
    public Param<T> emptyMeansNone() {
        if (kind != Kind.TEXT && kind != Kind.LIST) {
            throw new IllegalStateException(name + ": only a text or a list can be empty");
        }
        return new Param<>(name, kind, defaultText, requiredHint, secret, aliases, allowed, minDuration, maxDuration, minInt,
                maxInt, separator, check, doc, true, legacyYesNo);
    }

    /** True when an empty value means "none" rather than the default. */
    public boolean emptyMeansNoneSet() {
        return emptyIsValue;
    }

    /**
     * A boolean that used to take {@code yes} and {@code no} (and {@code 1}, {@code 0}) too: they are still read (as
     * true and false) for one release, each use logged as deprecated by {@link ParamSet#read}.
     */
    public Param<T> legacyYesNo() {
        if (kind != Kind.BOOLEAN) {
            throw new IllegalStateException(name + ": only a boolean takes yes/no");
        }
        return new Param<>(name, kind, defaultText, requiredHint, secret, aliases, allowed, minDuration, maxDuration, minInt,
                maxInt, separator, check, doc, emptyIsValue, true);
    }

    /** True for a boolean that still reads yes/no, deprecated ({@link #legacyYesNo()}). */
    public boolean takesLegacyYesNo() {
        return legacyYesNo;
    }

    /** One line for the documentation. */
    public Param<T> doc(String text) {
        return copy(defaultText, requiredHint, secret, aliases, allowed, minDuration, maxDuration, minInt, maxInt, separator,
                check, text);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The default as text, or {@code null} when there is none. */
    public String defaultText() {
        return defaultText;
    }

    public boolean isRequired() {
        return requiredHint != null;
    }

    public boolean isSecret() {
        return secret;
    }

    /** The old names still accepted (deprecated). */
    public List<String> aliases() {
        return aliases;
    }

    /** The allowed words of a choice or list; empty when any value of the kind is allowed. */
    public List<String> allowedValues() {
        return allowed;
    }

    public String doc() {
        return doc;
    }

    /**
     * The value of {@code text} ({@code null} or blank: the default, {@code null} when there is none; blank is
     * "none" for a parameter declared {@link #emptyMeansNone()}).
     *
     * @throws ParamException naming the parameter and the value (not a secret's)
     */
    @SuppressWarnings("unchecked")
    public T parse(String text) {
        String t = blankToNull(text);
        if (t == null && text != null && emptyIsValue) {
            return kind == Kind.LIST ? (T) List.of() : (T) "";
        }
        if (t == null) {
            if (requiredHint != null) {
                throw new ParamException(name, name + ": required" + (requiredHint.isEmpty() ? "" : " (" + requiredHint + ")"));
            }
            return defaultText == null ? null : convert(defaultText);
        }
        try {
            return convert(t);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (secret) {
                throw new ParamException(name, name + ": bad value (not shown): " + reason.replace(t, "***"));
            }
            throw new ParamException(name, name + ": bad value '" + shown(t) + "': " + reason);
        }
    }

    @SuppressWarnings("unchecked")
    private T convert(String t) {
        switch (kind) {
            case BOOLEAN:
                if (t.equalsIgnoreCase("true") || legacyYesNo && (t.equalsIgnoreCase("yes") || t.equals("1"))) {
                    return (T) Boolean.TRUE;
                }
                if (t.equalsIgnoreCase("false") || legacyYesNo && (t.equalsIgnoreCase("no") || t.equals("0"))) {
                    return (T) Boolean.FALSE;
                }
                throw new IllegalArgumentException(name + " must be true or false");
            case DURATION:
                return (T) checkDuration(parseDuration(t));
            case INTEGER:
                return (T) checkInteger(t);
            case CHOICE:
                return (T) word(t);
            case LIST:
                List<String> items = new ArrayList<>();
                for (String item : t.split(separator)) {
                    String i = item.trim();
                    if (i.isEmpty()) {
                        continue;
                    }
                    if (!allowed.isEmpty()) {
                        i = word(i);
                    }
                    items.add(check == null ? i : String.valueOf(check.apply(i)));
                }
                return (T) Collections.unmodifiableList(items);
            case ENDPOINT:
                return (T) Endpoint.parse(t);
            default:
                return check == null ? (T) t : (T) check.apply(t);
        }
    }

    private String word(String t) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(t)) {
                return a;
            }
        }
        throw new IllegalArgumentException((kind == Kind.LIST ? "'" + shown(t) + "' is not one of " : name + " must be one of ")
                + String.join(", ", allowed));
    }

    private Integer checkInteger(String t) {
        long n;
        try {
            if (t.length() > 11) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        if (n < minInt || n > maxInt) {
            throw new IllegalArgumentException(name + " must be "
                    + (maxInt >= Integer.MAX_VALUE ? "at least " + minInt : minInt + ".." + maxInt));
        }
        return (int) n;
    }

    private Duration checkDuration(Duration d) {
        if (minDuration == null && (d.isZero() || d.isNegative())) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        boolean low = minDuration != null && d.compareTo(minDuration) < 0;
        boolean high = maxDuration != null && d.compareTo(maxDuration) > 0;
        if (low || high) {
            if (minDuration == null || minDuration.isZero() && !low) {
                throw new IllegalArgumentException(name + " must be at most " + format(maxDuration));
            }
            throw new IllegalArgumentException(name + " must be " + range(minDuration, maxDuration));
        }
        return d;
    }

    private static String range(Duration min, Duration max) {
        if (max == null) {
            return "at least " + format(min);
        }
        if (min.toMillis() % 1000 == 0 && max.toMillis() % 1000 == 0) {
            return min.toSeconds() + ".." + max.toSeconds() + " seconds";
        }
        return format(min) + ".." + format(max);
    }

    /** {@code 5m}, {@code 30s}, {@code 1h}, {@code 500ms}: the shortest exact form. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The duration grammar: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or bare seconds ({@code 5}, {@code 0.5}). */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (DECIMAL_SECONDS.matcher(t).matches()) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        }
        if (t.length() > 12) {
            throw new IllegalArgumentException("expected a duration like 500ms, 30s, 5m or 1h, got a value of " + t.length()
                    + " characters");
        }
        return Durations.parse(t);
    }

    static String blankToNull(String s) {
        return s == null || s.trim().isEmpty() ? null : s.trim();
    }

    /** A configuration value (or name) as an error message shows it: {@link LogText#escape}, at most 80 characters. */
    public static String shown(String value) {
        return LogText.escape(value, 80);
    }

    @Override
    public String toString() {
        return name + " (" + kind.name().toLowerCase(Locale.ROOT) + (defaultText == null ? "" : ", default " + (secret ? "***" : defaultText))
                + ")";
    }
}
