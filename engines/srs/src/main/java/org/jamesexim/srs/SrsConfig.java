package org.jamesexim.srs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SRS options, with Exim's names ({@code srs_secrets}, {@code srs_hashlength}, {@code srs_hashmin},
 * {@code srs_maxage}, {@code srs_usehash}, {@code srs_usetimestamp}, and {@code srs_config} as the one-line form).
 * Immutable; build with {@link #builder()} or {@link #fromSrsConfig(String)}.
 *
 * <p>Defaults are Exim's (libsrs_alt): hashlength 6, hashmin = hashlength, maxage 31 days, separator {@code =}.
 * Mail::SRS and postsrsd default to hashlength 4 and maxage 21; set them to interoperate with an existing
 * installation that uses those.</p>
 */
public final class SrsConfig {
    /** RFC 5321 section 4.5.3.1.1: the maximum length of a local part, in octets. */
    public static final int RFC5321_LOCAL_PART_LIMIT = 64;
    /** Base64 of a 20-octet HMAC-SHA1 without padding has 27 characters. */
    public static final int MAX_HASH_LENGTH = 27;
    /**
     * The longest address forward and reverse look at, in octets (UTF-8); longer input is refused at once
     * (forward {@code FAILED}, reverse {@code bad hash} for an SRS-tagged address, else {@code not SRS}).
     * RFC 5321 allows 64 + 1 + 255 octets; we never issue more than 64 + 1 + 255 either.
     */
    public static final int MAX_ADDRESS_OCTETS = 512;
    /** The most secrets a configuration may list: reverse tries each, so this bounds the work per address. */
    public static final int MAX_SECRETS = 16;

    /**
     * The alphabet forward writes hashes in. Reverse reads both: a hash written wholly in either alphabet (never a
     * mix of {@code +}/{@code /} with {@code -}/{@code _}).
     */
    public enum HashAlphabet {
        /** Mail::SRS, libsrs_alt, postsrsd up to 2.2.5: {@code +} and {@code /} (the default). */
        BASE64,
        /** postsrsd from 2.2.6 (its issue #189): {@code -} and {@code _} where base64 has {@code +} and {@code /}. */
        BASE64URL;

        /** {@code base64} or {@code base64url}, any case. */
        public static HashAlphabet parse(String v) {
            String t = v == null ? "" : v.trim();
            for (HashAlphabet a : values()) {
                if (a.name().equalsIgnoreCase(t)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("hashAlphabet must be base64 or base64url, not '" + v + "'");
        }

        /** The word used in the configuration: {@code base64} or {@code base64url}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<String> secrets;
    private final int hashLength;
    private final int hashMin;
    private final int maxAge;
    private final char separator;
    private final boolean alwaysRewrite;
    private final boolean useHash;
    private final boolean useTimestamp;
    private final SrsScheme scheme;
    private final int localPartLimit;
    private final int addressLimit;
    private final HashAlphabet hashAlphabet;

    private SrsConfig(Builder b) {
        if (b.secrets.isEmpty()) {
            throw new IllegalArgumentException("secrets: at least one secret is needed (the first signs, all verify)");
        }
        if (b.secrets.size() > MAX_SECRETS) {
            throw new IllegalArgumentException("secrets: " + b.secrets.size() + " secrets given; at most " + MAX_SECRETS
                + " (reverse tries each one)");
        }
        for (String s : b.secrets) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("secrets: a secret may not be empty");
            }
        }
        if (b.hashLength < 1 || b.hashLength > MAX_HASH_LENGTH) {
            throw new IllegalArgumentException("hashlength must be 1.." + MAX_HASH_LENGTH + ", not " + b.hashLength);
        }
        int min = b.hashMin == null ? b.hashLength : b.hashMin;
        if (min < 1 || min > b.hashLength) {
            throw new IllegalArgumentException("hashmin must be 1..hashlength (" + b.hashLength + "), not " + min);
        }
        if (b.maxAge < 0 || b.maxAge > 1023) {
            throw new IllegalArgumentException("maxage must be 0..1023 days, not " + b.maxAge);
        }
        if (b.separator != '=' && b.separator != '+' && b.separator != '-') {
            throw new IllegalArgumentException("separator must be = - or +, not " + b.separator);
        }
        if (b.localPartLimit < 0) {
            throw new IllegalArgumentException("localpartlimit must be 0 (no limit) or more, not " + b.localPartLimit);
        }
        if (b.addressLimit < 0) {
            throw new IllegalArgumentException("addresslimit must be 0 (no limit) or more, not " + b.addressLimit);
        }
        this.secrets = Collections.unmodifiableList(new ArrayList<>(b.secrets));
        this.hashLength = b.hashLength;
        this.hashMin = min;
        this.maxAge = b.maxAge;
        this.separator = b.separator;
        this.alwaysRewrite = b.alwaysRewrite;
        this.useHash = b.useHash;
        this.useTimestamp = b.useTimestamp;
        this.scheme = Objects.requireNonNull(b.scheme, "scheme");
        this.localPartLimit = b.localPartLimit;
        this.addressLimit = b.addressLimit;
        this.hashAlphabet = Objects.requireNonNull(b.hashAlphabet, "hashAlphabet");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses Exim's one-line {@code srs_config}: {@code secret:maxage:hashlength:usetimestamp:usehash}.
     * Fields may be left off from the right; an empty field keeps the default. As in any Exim list, {@code ::}
     * stands for a literal colon inside the secret. Booleans are {@code 0}/{@code 1} (as Exim's atoi) or
     * {@code true}/{@code false}.
     */
    public static SrsConfig fromSrsConfig(String line) {
        return builder().srsConfig(line).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.secrets.addAll(secrets);
        b.hashLength = hashLength;
        b.hashMin = hashMin;
        b.maxAge = maxAge;
        b.separator = separator;
        b.alwaysRewrite = alwaysRewrite;
        b.useHash = useHash;
        b.useTimestamp = useTimestamp;
        b.scheme = scheme;
        b.localPartLimit = localPartLimit;
        b.addressLimit = addressLimit;
        b.hashAlphabet = hashAlphabet;
        return b;
    }

    /** The secrets; the first signs new addresses, every one is tried when verifying. */
    public List<String> secrets() {
        return secrets;
    }

    public int hashLength() {
        return hashLength;
    }

    public int hashMin() {
        return hashMin;
    }

    public int maxAge() {
        return maxAge;
    }

    public char separator() {
        return separator;
    }

    public boolean alwaysRewrite() {
        return alwaysRewrite;
    }

    public boolean useHash() {
        return useHash;
    }

    public boolean useTimestamp() {
        return useTimestamp;
    }

    public SrsScheme scheme() {
        return scheme;
    }

    /**
     * The longest local part forward may emit, in octets; default 64 (RFC 5321). With a limit, forward only ever
     * emits valid RFC 5321 addresses: a local part that is not a dot-string is sent as a quoted string, a source route
     * is dropped, a quoted local part may hold an {@code @}. 0 = Mail::SRS's output byte for byte, with none of these
     * rules (for the conformance tests).
     */
    public int localPartLimit() {
        return localPartLimit;
    }

    /** The longest address forward and reverse accept, in octets; default {@link #MAX_ADDRESS_OCTETS}, 0 = no limit. */
    public int addressLimit() {
        return addressLimit;
    }

    /** The alphabet forward writes hashes in (default {@link HashAlphabet#BASE64}); reverse reads both. */
    public HashAlphabet hashAlphabet() {
        return hashAlphabet;
    }

    /** A description without the secrets, for logs. */
    @Override
    public String toString() {
        return "SrsConfig{secrets=" + secrets.size() + " (hidden), hashlength=" + hashLength + ", hashmin=" + hashMin
            + ", maxage=" + maxAge + ", separator=" + separator + ", alwaysRewrite=" + alwaysRewrite + ", usehash="
            + useHash + ", usetimestamp=" + useTimestamp + ", scheme=" + scheme.name().toLowerCase(Locale.ROOT)
            + ", localpartlimit=" + localPartLimit + ", addresslimit=" + addressLimit + ", hashAlphabet=" + hashAlphabet.word() + "}";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final List<String> secrets = new ArrayList<>();
        private int hashLength = 6;
        private Integer hashMin;
        private int maxAge = 31;
        private char separator = '=';
        private boolean alwaysRewrite;
        private boolean useHash = true;
        private boolean useTimestamp = true;
        private SrsScheme scheme = SrsScheme.GUARDED;
        private int localPartLimit = RFC5321_LOCAL_PART_LIMIT;
        private int addressLimit = MAX_ADDRESS_OCTETS;
        private HashAlphabet hashAlphabet = HashAlphabet.BASE64;

        private Builder() {
        }

        /** Replaces the secrets; the first signs. */
        public Builder secrets(List<String> list) {
            secrets.clear();
            secrets.addAll(list);
            return this;
        }

        public Builder secrets(String... list) {
            return secrets(List.of(list));
        }

        /** Adds a secret at the end (verify-only unless it is the first). */
        public Builder addSecret(String secret) {
            secrets.add(secret);
            return this;
        }

        public Builder hashLength(int v) {
            hashLength = v;
            return this;
        }

        /** {@code null} = the same as hashlength (the default). */
        public Builder hashMin(Integer v) {
            hashMin = v;
            return this;
        }

        public Builder maxAge(int v) {
            maxAge = v;
            return this;
        }

        public Builder separator(char v) {
            separator = v;
            return this;
        }

        /** Parses a one-character separator, naming the parameter in the error. */
        public Builder separator(String v) {
            if (v == null || v.length() != 1) {
                throw new IllegalArgumentException("separator must be one of = - +, not '" + v + "'");
            }
            return separator(v.charAt(0));
        }

        public Builder alwaysRewrite(boolean v) {
            alwaysRewrite = v;
            return this;
        }

        public Builder useHash(boolean v) {
            useHash = v;
            return this;
        }

        public Builder useTimestamp(boolean v) {
            useTimestamp = v;
            return this;
        }

        public Builder scheme(SrsScheme v) {
            scheme = v;
            return this;
        }

        public Builder localPartLimit(int v) {
            localPartLimit = v;
            return this;
        }

        /** See {@link SrsConfig#addressLimit()}; 0 lifts the limit (benchmarks of the parsers only). */
        public Builder addressLimit(int v) {
            addressLimit = v;
            return this;
        }

        /** The alphabet forward writes hashes in; reverse reads both. */
        public Builder hashAlphabet(HashAlphabet v) {
            hashAlphabet = v;
            return this;
        }

        /** Applies an Exim {@code srs_config} line over the current values (see {@link SrsConfig#fromSrsConfig}). */
        public Builder srsConfig(String line) {
            if (line == null || line.trim().isEmpty()) {
                throw new IllegalArgumentException("srs_config is empty: expected secret:maxage:hashlength:usetimestamp:usehash");
            }
            List<String> f = splitEximList(line.trim());
            if (f.size() > 5) {
                throw new IllegalArgumentException("srs_config has " + f.size()
                    + " fields; expected at most 5: secret:maxage:hashlength:usetimestamp:usehash (write a colon inside the secret as ::)");
            }
            if (!f.get(0).isEmpty()) {
                if (secrets.isEmpty()) {
                    secrets.add(f.get(0));
                } else {
                    secrets.set(0, f.get(0));
                }
            }
            if (f.size() > 1 && !f.get(1).isEmpty()) {
                maxAge = srsConfigInt("maxage (field 2)", f.get(1));
            }
            if (f.size() > 2 && !f.get(2).isEmpty()) {
                hashLength = srsConfigInt("hashlength (field 3)", f.get(2));
            }
            if (f.size() > 3 && !f.get(3).isEmpty()) {
                useTimestamp = srsConfigBool("usetimestamp (field 4)", f.get(3));
            }
            if (f.size() > 4 && !f.get(4).isEmpty()) {
                useHash = srsConfigBool("usehash (field 5)", f.get(4));
            }
            return this;
        }

        public SrsConfig build() {
            return new SrsConfig(this);
        }
    }

    /** Exim list syntax with the default colon separator: {@code ::} is a literal colon, items are trimmed. */
    static List<String> splitEximList(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ':') {
                    cur.append(':');
                    i++;
                } else {
                    out.add(cur.toString().trim());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }

    /** A number field of srs_config; the message never repeats the field (a misplaced colon would show part of the secret). */
    private static int srsConfigInt(String field, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("srs_config " + field + " is not a whole number (a colon inside the secret must be written ::)");
        }
    }

    private static boolean srsConfigBool(String field, String v) {
        try {
            return boolField("x", v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("srs_config " + field + " must be 1/0 or true/false (a colon inside the secret must be written ::)");
        }
    }

    /** Exim booleans: true/false/yes/no, and 0/1 as atoi() reads them in srs_config. */
    public static boolean boolField(String name, String v) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "1":
            case "true":
            case "yes":
                return true;
            case "0":
            case "false":
            case "no":
                return false;
            default:
                throw new IllegalArgumentException(name + " must be true or false (or 1/0), not '" + v + "'");
        }
    }
}
