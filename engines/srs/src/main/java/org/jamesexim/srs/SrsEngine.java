package org.jamesexim.srs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sender Rewriting Scheme, byte-compatible with Mail::SRS 0.31 (the reference; libsrs2/postsrsd and libsrs_alt
 * produce the same wire format for the Guarded scheme).
 *
 * <ul>
 * <li>SRS0: {@code SRS0<sep>HASH=TT=orig-domain=orig-local@alias}; HASH = the first hashlength characters of
 * base64(HMAC-SHA1(first secret, lc(TT) . lc(domain) . lc(local))), TT = base32 of (days since the epoch mod 1024).</li>
 * <li>SRS1 (Guarded) for re-forwarding an SRS0/SRS1: {@code SRS1<sep>HASH=first-hop==...@alias}.</li>
 * <li>Reverse checks the hash first (every secret, exact then case-insensitive as Mail::SRS), then the timestamp.</li>
 * <li>Where Mail::SRS and postsrsd disagree this class follows Mail::SRS (see docs/srs.md).</li>
 * <li>Deliberate differences (with the default {@link SrsConfig#localPartLimit()} of 64; 0 turns them off): forward
 * only emits valid RFC 5321 addresses: never a local part over 64 octets (the database is used when one is
 * configured, else the sender is left as it was, {@link SrsForwardResult.Outcome#TOO_LONG}); a local part that is not
 * a dot-string ({@code "john doe"}, an IP literal, a space...) is sent as a quoted string around Mail::SRS's local part
 * (same hash); a source route is dropped; a quoted local part may hold an {@code @}. Reverse reads quoted local parts
 * and drops source routes in any mode.</li>
 * <li>Bounded work: input over {@link SrsConfig#addressLimit()} octets (512) is refused before anything is computed;
 * every parser is a single left-to-right pass; reverse tries at most {@link SrsConfig#MAX_SECRETS} secrets.</li>
 * <li>Database mode: keys are 16 characters of upper-case base32 (case-proof: a remote MTA that changes the case of
 * the address still finds its key); a key is looked up as written, then upper-cased; every call gets the smaller of
 * its own timeout and what is left of the message's {@link SrsDeadline}.</li>
 * </ul>
 *
 * <p>Thread-safe, no static mutable state; the day comes from the {@link Clock} given.</p>
 */
public final class SrsEngine {
    /** When database mode is used for forward. */
    public enum DbMode {
        /** Every rewritten sender goes into the database (Exim's behaviour when srs_dbinsert is set). */
        ALWAYS,
        /** Only senders whose SRS form would exceed the local-part limit. */
        TOOLONG;

        public static DbMode parse(String v) {
            for (DbMode m : values()) {
                if (m.name().equalsIgnoreCase(v.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("dbmode must be always or toolong, not '" + v + "'");
        }
    }

    static final String SRS0_MISMATCH = "Reverse address does not match (?^i:^SRS0([-+=])).";
    /**
     * Database keys are the first 16 characters of base32(HMAC-SHA1(first secret, sender)), upper case (80 bits).
     * libsrs_alt used base64, whose case a remote MTA may change; keys of that form are still looked up.
     */
    static final int DB_KEY_LENGTH = 16;
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] BASE32_VALUE = new int[128];
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    static {
        for (int i = 0; i < BASE32.length; i++) {
            BASE32_VALUE[BASE32[i]] = i;
        }
    }

    private final SrsConfig config;
    private final Clock clock;
    private final SrsDatabase database;
    private final DbMode dbMode;
    private final byte[][] keys;
    private final ThreadLocal<Mac[]> macs;

    public SrsEngine(SrsConfig config) {
        this(config, Clock.systemUTC(), null, DbMode.ALWAYS);
    }

    public SrsEngine(SrsConfig config, Clock clock) {
        this(config, clock, null, DbMode.ALWAYS);
    }

    /**
     * @param database null for no database mode
     * @param dbMode when to use the database for forward
     */
    public SrsEngine(SrsConfig config, Clock clock, SrsDatabase database, DbMode dbMode) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.database = database;
        this.dbMode = Objects.requireNonNull(dbMode, "dbMode");
        List<String> secrets = config.secrets();
        this.keys = new byte[secrets.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = secrets.get(i).getBytes(StandardCharsets.UTF_8);
        }
        this.macs = ThreadLocal.withInitial(this::newMacs);
    }

    public SrsConfig config() {
        return config;
    }

    private Mac[] newMacs() {
        Mac[] m = new Mac[keys.length];
        try {
            for (int i = 0; i < keys.length; i++) {
                m[i] = Mac.getInstance("HmacSHA1");
                m[i].init(new SecretKeySpec(keys[i], "HmacSHA1"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
        return m;
    }

    /** Days since the epoch, from the clock. */
    public long today() {
        return Math.floorDiv(clock.instant().getEpochSecond(), 86400L);
    }

    // ------------------------------------------------------------------------------------------ forward

    /**
     * Rewrites {@code sender} for forwarding by {@code alias} (a domain, or an address whose domain is used).
     * Never throws for bad input: see {@link SrsForwardResult#outcome()}.
     */
    public SrsForwardResult forward(String sender, String alias) {
        return forward(sender, alias, SrsDeadline.none());
    }

    /** {@link #forward(String, String)}, database mode bounded by {@code deadline} as well. */
    public SrsForwardResult forward(String sender, String alias, SrsDeadline deadline) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(deadline, "deadline");
        if (sender == null) {
            sender = "";
        }
        if (overLimit(sender)) {
            return failed(sender, "Sender is longer than " + config.addressLimit() + " octets");
        }
        if (hasLineBreakOrNul(sender)) {
            return failed(sender, "Sender contains a line break or NUL");
        }
        boolean strict = config.localPartLimit() > 0;
        String input = strict ? stripSourceRoute(sender) : sender;
        int at = input.lastIndexOf('@');
        if (at < 0 || at == input.length() - 1) {
            return failed(sender, "Sender '" + sender + "' contains no @");
        }
        String sendUser = input.substring(0, at);
        String sendHost = input.substring(at + 1);
        if (strict && !isDomain(sendHost)) {
            return failed(sender, "Sender domain '" + sendHost + "' is not a domain name or an address literal");
        }
        if (strict && (sendUser.isEmpty() || sendUser.equals("\"\""))) {
            return failed(sender, "Sender '" + sender + "' has an empty local part");
        }
        boolean quoted = isQuotedString(sendUser);
        if (sendUser.indexOf('@') >= 0 && !(strict && quoted)) {
            return failed(sender, "Sender username may not contain an @");
        }
        String aliasHost = aliasDomain(alias);
        if (!config.alwaysRewrite() && asciiLower(aliasHost).equals(asciiLower(sendHost))) {
            return new SrsForwardResult(SrsForwardResult.Outcome.UNCHANGED, sender, input, null, null, null);
        }
        if (strict && quoted) {
            // "john doe" and john doe are the same mailbox: sign the content, quote the whole SRS local part below
            sendUser = unquote(sendUser);
        }
        long day = today();
        if (database != null && dbMode == DbMode.ALWAYS) {
            return dbForward(sender, input, aliasHost, day, deadline);
        }
        String local = compile(sendHost, sendUser, day);
        if (local == null) {
            return failed(sender, "Invalid SRS1 address: no host or no user");
        }
        if (!strict) {
            return new SrsForwardResult(SrsForwardResult.Outcome.REWRITTEN, sender, local + "@" + aliasHost, null, null, null);
        }
        String wire = wireLocalPart(local);
        if (wire == null) {
            return failed(sender, "Sender contains a character that no SMTP address may carry");
        }
        int octets = wire.getBytes(StandardCharsets.UTF_8).length;
        if (octets > config.localPartLimit()) {
            if (database != null) {
                return dbForward(sender, input, aliasHost, day, deadline);
            }
            return new SrsForwardResult(SrsForwardResult.Outcome.TOO_LONG, sender, sender,
                "SRS local part would be " + octets + " octets, over the limit of " + config.localPartLimit(), null, null);
        }
        return new SrsForwardResult(SrsForwardResult.Outcome.REWRITTEN, sender, wire + "@" + aliasHost, null, null, null);
    }

    private static SrsForwardResult failed(String sender, String why) {
        return new SrsForwardResult(SrsForwardResult.Outcome.FAILED, sender, null, why, null, null);
    }

    /** Mail::SRS: an alias given as an address means its domain. */
    static String aliasDomain(String alias) {
        int at = alias.lastIndexOf('@');
        if (at >= 0 && at < alias.length() - 1) {
            return alias.substring(at + 1);
        }
        return alias;
    }

    private String compile(String sendHost, String sendUser, long day) {
        switch (config.scheme()) {
            case GUARDED:
                if (hasTag(sendUser, "SRS1")) {
                    String[] p = perlSplit(sendUser.substring(5), 3);
                    String srsHost = field(p, 1);
                    String srsUser = field(p, 2);
                    if (config.localPartLimit() > 0 && (srsUser.isEmpty() || !isDomain(srsHost))) {
                        return null; // Mail::SRS would emit SRS1=HASH==@alias, which reverses to nothing
                    }
                    return "SRS1" + config.separator() + hashCreate(srsHost, srsUser) + "=" + srsHost + "=" + srsUser;
                }
                if (hasTag(sendUser, "SRS0")) {
                    String rest = sendUser.substring(4);
                    return "SRS1" + config.separator() + hashCreate(sendHost, rest) + "=" + sendHost + "=" + rest;
                }
                return srs0(sendHost, sendUser, day);
            case SHORTCUT:
                if (hasTag(sendUser, "SRS0")) {
                    String[] p = perlSplit(sendUser.substring(5), 4);
                    return srs0(field(p, 2), field(p, 3), day);
                }
                if (hasTag(sendUser, "SRS1")) {
                    String[] p = perlSplit(sendUser.substring(5), 6);
                    return srs0(field(p, 3), field(p, 4), day);
                }
                return srs0(sendHost, sendUser, day);
            case REVERSIBLE:
            default:
                return srs0(sendHost, sendUser, day);
        }
    }

    private String srs0(String host, String user, long day) {
        StringBuilder sb = new StringBuilder(16 + host.length() + user.length());
        sb.append("SRS0").append(config.separator());
        String ts = timestampCreate(day);
        if (config.useHash()) {
            sb.append(config.useTimestamp() ? hashCreate(ts, host, user) : hashCreate(host, user)).append('=');
        }
        if (config.useTimestamp()) {
            sb.append(ts).append('=');
        }
        return sb.append(host).append('=').append(user).toString();
    }

    private SrsForwardResult dbForward(String sender, String stored, String aliasHost, long day, SrsDeadline deadline) {
        String key = base32(mac(0, stored.getBytes(StandardCharsets.UTF_8))).substring(0, DB_KEY_LENGTH);
        if (deadline.passed()) {
            return new SrsForwardResult(SrsForwardResult.Outcome.DEFER, sender, sender,
                "SRS database insert not tried: the deadline for this message has passed", key, stored);
        }
        try {
            database.insert(key, stored, deadline.remaining());
        } catch (SrsDatabase.SrsDatabaseException e) {
            return new SrsForwardResult(SrsForwardResult.Outcome.DEFER, sender, sender, e.getMessage(), key, stored);
        } catch (RuntimeException e) {
            return new SrsForwardResult(SrsForwardResult.Outcome.DEFER, sender, sender,
                "SRS database insert failed: " + e.getClass().getSimpleName(), key, stored);
        }
        String ts = timestampCreate(day);
        String local = "SRS0" + config.separator() + hashCreate(ts, key) + "=" + ts + "=" + key;
        return new SrsForwardResult(SrsForwardResult.Outcome.REWRITTEN, sender, local + "@" + aliasHost, null, key, stored);
    }

    // ------------------------------------------------------------------------------------------ reverse

    /**
     * Reverses an SRS address (the recipient of a bounce). Never throws for bad input: see
     * {@link SrsReverseResult#status()}.
     */
    public SrsReverseResult reverse(String address) {
        return reverse(address, SrsDeadline.none());
    }

    /** {@link #reverse(String)}, database mode bounded by {@code deadline} as well. */
    public SrsReverseResult reverse(String address, SrsDeadline deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (address == null) {
            address = "";
        }
        if (overLimit(address)) {
            SrsStatus status = looksSrs(address) ? SrsStatus.BAD_HASH : SrsStatus.NOT_SRS;
            return new SrsReverseResult(status, address, null, "Address is longer than " + config.addressLimit() + " octets", null, null);
        }
        if (hasLineBreakOrNul(address)) {
            return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "Address contains a line break or NUL", null, null);
        }
        String input = stripSourceRoute(address);
        int at = input.lastIndexOf('@');
        if (at < 0 || at == input.length() - 1) {
            return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "Address contains no @", null, null);
        }
        String user = unquote(input.substring(0, at));
        if (config.scheme() == SrsScheme.GUARDED && hasTag(user, "SRS1")) {
            String[] p = perlSplit(user.substring(5), 3);
            String hash = p.length > 0 ? p[0] : null;
            if (hash != null && hash.indexOf('.') >= 0) {
                return bad(address, user, SrsStatus.BAD_HASH, "Hashless SRS1 address received when AllowUnsafeSrs is not set");
            }
            if (!hashVerify(hash, field(p, 1), field(p, 2))) {
                return bad(address, user, SrsStatus.BAD_HASH, "Invalid hash");
            }
            if (p.length < 3) {
                return bad(address, user, SrsStatus.BAD_HASH, "Invalid SRS1 address");
            }
            return valid(address, user, "SRS0" + p[2], p[1]);
        }
        if (!hasTag(user, "SRS0")) {
            return bad(address, user, SrsStatus.NOT_SRS, SRS0_MISMATCH);
        }
        String rest = user.substring(5);
        int fields = 2 + (config.useHash() ? 1 : 0) + (config.useTimestamp() ? 1 : 0);
        String[] p = perlSplit(rest, fields);
        if (database != null && config.useHash() && config.useTimestamp() && p.length == 3) {
            return dbReverse(address, user, p, deadline);
        }
        int i = 0;
        String hash = config.useHash() ? field(p, i++) : null;
        String ts = config.useTimestamp() ? field(p, i++) : null;
        String host = field(p, i++);
        String local = field(p, i);
        if (config.useHash()) {
            boolean ok = config.useTimestamp() ? hashVerify(hash, ts, host, local) : hashVerify(hash, host, local);
            if (!ok) {
                return bad(address, user, SrsStatus.BAD_HASH, "Invalid hash");
            }
        }
        if (config.useTimestamp() && !timestampCheck(ts)) {
            return bad(address, user, SrsStatus.EXPIRED, "Invalid timestamp");
        }
        return valid(address, user, local, host);
    }

    /**
     * A verified address. With the RFC 5321 rules on, it must also decode to a mailbox: a non-empty local part and a
     * domain name or address literal. (The hash covers the fields concatenated, as in Mail::SRS: moving the {@code =}
     * between domain and local part keeps the hash, e.g. {@code example.co=malice} for {@code example.com=alice}; what
     * such a shift yields is refused here when it is not a mailbox, see docs/security-srs.md.)
     */
    private SrsReverseResult valid(String address, String user, String local, String host) {
        if (config.localPartLimit() > 0 && (local.isEmpty() || !isDomain(host))) {
            return bad(address, user, SrsStatus.BAD_HASH, "Invalid address inside the SRS address");
        }
        return new SrsReverseResult(SrsStatus.VALID, address, decoded(local, host), null, null, null);
    }

    /**
     * The decoded address; with the RFC 5321 rules on, a local part that is neither a dot-string nor a quoted string
     * (an address another implementation signed unquoted, {@code john doe}) is quoted.
     */
    private String decoded(String local, String host) {
        if (config.localPartLimit() > 0 && !isDotString(local) && !isQuotedString(local)) {
            String wire = wireLocalPart(local);
            if (wire != null) {
                return wire + "@" + host;
            }
        }
        return local + "@" + host;
    }

    private SrsReverseResult dbReverse(String address, String user, String[] p, SrsDeadline deadline) {
        String hash = p[0];
        String ts = p[1];
        String key = p[2];
        if (!hashVerify(hash, ts, key)) {
            return bad(address, user, SrsStatus.BAD_HASH, "Invalid hash");
        }
        if (!timestampCheck(ts)) {
            return bad(address, user, SrsStatus.EXPIRED, "Invalid timestamp");
        }
        if (!isDbKey(key)) {
            return bad(address, user, SrsStatus.BAD_HASH, "Invalid key");
        }
        try {
            Optional<String> found = lookup(key, deadline);
            String upper = asciiUpper(key);
            if (found.isEmpty() && !upper.equals(key) && isBase32(upper)) {
                found = lookup(upper, deadline); // a key whose case a remote MTA changed
            }
            if (found.isEmpty()) {
                return new SrsReverseResult(SrsStatus.BAD_HASH, address, null, "Parse error in `" + user + "': No data found", key, null);
            }
            String stored = found.get();
            if (overLimit(stored) || hasLineBreakOrNul(stored) || stored.indexOf('@') < 1) {
                return new SrsReverseResult(SrsStatus.BAD_HASH, address, null, "Parse error in `" + user + "': the stored address is not valid", key, null);
            }
            return new SrsReverseResult(SrsStatus.VALID, address, stored, null, key, stored);
        } catch (SrsDatabase.SrsDatabaseException e) {
            return new SrsReverseResult(SrsStatus.DEFER, address, null, e.getMessage(), key, null);
        } catch (RuntimeException e) {
            return new SrsReverseResult(SrsStatus.DEFER, address, null, "SRS database select failed: " + e.getClass().getSimpleName(), key, null);
        }
    }

    private Optional<String> lookup(String key, SrsDeadline deadline) throws SrsDatabase.SrsDatabaseException {
        if (deadline.passed()) {
            throw new SrsDatabase.SrsDatabaseException("SRS database select not tried: the deadline for this message has passed");
        }
        Optional<String> found = database.select(key, deadline.remaining());
        return found == null ? Optional.empty() : found;
    }

    private static SrsReverseResult bad(String address, String user, SrsStatus status, String why) {
        return new SrsReverseResult(status, address, null, "Parse error in `" + user + "': " + why, null, null);
    }

    // ------------------------------------------------------------------------------------------ primitives

    /** Two base32 characters for day mod 1024 (upper case). */
    public static String timestampCreate(long day) {
        int d = (int) Math.floorMod(day, 1024L);
        return new String(new char[] {BASE32[(d >> 5) & 31], BASE32[d & 31]});
    }

    /**
     * Mail::SRS's timestamp_check: upper-cased, each character's base32 value (0 for a character outside the
     * alphabet), valid when the stamp is 0..maxage days old in the 1024-day cycle.
     */
    boolean timestampCheck(String ts) {
        if (ts == null) {
            ts = "";
        }
        int value = 0;
        for (int i = Math.max(0, ts.length() - 2); i < ts.length(); i++) {
            char c = ts.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 32);
            }
            value = value * 32 + (c < 128 ? BASE32_VALUE[c] : 0);
        }
        int now = (int) Math.floorMod(today(), 1024L);
        // now is raised by 1024 until it reaches the stamp, then valid iff now - stamp <= maxage;
        // the difference only depends on the stamp's last two characters (32*32 = 1024)
        return Math.floorMod(now - value, 1024) <= config.maxAge();
    }

    /**
     * HMAC-SHA1 with the first secret over the lower-cased fields, base64 (or base64url, {@link SrsConfig#hashAlphabet()}),
     * first hashlength characters.
     */
    String hashCreate(String... fields) {
        String hash = b64(mac(0, fields)).substring(0, config.hashLength());
        return config.hashAlphabet() == SrsConfig.HashAlphabet.BASE64URL ? hash.replace('+', '-').replace('/', '_') : hash;
    }

    /**
     * Mail::SRS hash_verify: at least hashmin characters; every secret, exact first, then case-insensitive. A hash in
     * the base64url alphabet (postsrsd from 2.2.6) is read as the same bytes in base64; a hash mixing {@code +}/{@code /}
     * with {@code -}/{@code _} is no encoding of any HMAC and is refused.
     */
    boolean hashVerify(String hash, String... fields) {
        if (hash == null || hash.length() < config.hashMin()) {
            return false;
        }
        hash = fromBase64Url(hash);
        if (hash == null) {
            return false;
        }
        String[] valid = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            String full = b64(mac(i, fields));
            valid[i] = full.substring(0, Math.min(hash.length(), full.length()));
            if (valid[i].equals(hash)) {
                return true;
            }
        }
        String lower = asciiLower(hash);
        for (String v : valid) {
            if (lower.equals(asciiLower(v))) {
                return true; // Mail::SRS warns: someone smashed case in the local-part
            }
        }
        return false;
    }

    /**
     * A hash in base64url ({@code -}, {@code _}) written in base64 ({@code +}, {@code /}); a base64 hash as it is; null for
     * a hash holding characters of both alphabets' own (nothing writes that).
     */
    static String fromBase64Url(String hash) {
        boolean url = false;
        boolean std = false;
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (c == '-' || c == '_') {
                url = true;
            } else if (c == '+' || c == '/') {
                std = true;
            }
        }
        if (!url) {
            return hash;
        }
        return std ? null : hash.replace('-', '+').replace('_', '/');
    }

    private byte[] mac(int secret, String... fields) {
        Mac m = macs.get()[secret];
        for (String f : fields) {
            m.update(asciiLower(f == null ? "" : f).getBytes(StandardCharsets.UTF_8));
        }
        return m.doFinal();
    }

    private byte[] mac(int secret, byte[] data) {
        Mac m = macs.get()[secret];
        return m.doFinal(data);
    }

    private static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    /** Perl's lc on a byte string: ASCII letters only. */
    static String asciiLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    if (a[j] >= 'A' && a[j] <= 'Z') {
                        a[j] = (char) (a[j] + 32);
                    }
                }
                return new String(a);
            }
        }
        return s;
    }

    /** {@code ^SRS0[-+=]} / {@code ^SRS1[-+=]}, case-insensitive. */
    static boolean hasTag(String user, String tag) {
        if (user.length() < 5 || !user.regionMatches(true, 0, tag, 0, 4)) {
            return false;
        }
        char c = user.charAt(4);
        return c == '=' || c == '+' || c == '-';
    }

    /** Perl {@code split /=/, $s, limit} with a positive limit: an empty string gives no fields. */
    static String[] perlSplit(String s, int limit) {
        if (s.isEmpty()) {
            return new String[0];
        }
        List<String> out = new ArrayList<>(limit);
        int start = 0;
        while (out.size() < limit - 1) {
            int eq = s.indexOf('=', start);
            if (eq < 0) {
                break;
            }
            out.add(s.substring(start, eq));
            start = eq + 1;
        }
        out.add(s.substring(start));
        return out.toArray(new String[0]);
    }

    /** A split field, with Perl's undef read as the empty string. */
    private static String field(String[] p, int i) {
        return i < p.length ? p[i] : "";
    }

    /** True when {@code s} is longer than the address limit, in UTF-8 octets; constant time for long input. */
    boolean overLimit(String s) {
        int limit = config.addressLimit();
        if (limit <= 0 || s.length() <= limit / 3) {
            return false;
        }
        if (s.length() > limit) {
            return true;
        }
        return s.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    /** The start of {@code s} looks like an SRS address ({@code SRS0}/{@code SRS1} and a separator, maybe quoted). */
    static boolean looksSrs(String s) {
        String head = s.substring(0, Math.min(6, s.length()));
        if (head.startsWith("\"")) {
            head = head.substring(1);
        }
        return hasTag(head, "SRS0") || hasTag(head, "SRS1");
    }

    /** RFC 5321 source route {@code @a.example,@b.example:user@c.example}: the route is dropped (RFC 5321 4.1.2, C). */
    static String stripSourceRoute(String s) {
        if (s.isEmpty() || s.charAt(0) != '@') {
            return s;
        }
        int colon = s.indexOf(':');
        return colon < 0 ? s : s.substring(colon + 1);
    }

    /** An RFC 5321 Quoted-string: {@code "..."} with backslash pairs, nothing unescaped inside. */
    static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (++i >= s.length() - 1) {
                    return false;
                }
            } else if (c == '"') {
                return false;
            }
        }
        return true;
    }

    /** The content of a quoted string ({@code "john doe"} gives {@code john doe}); anything else as it is. */
    static String unquote(String s) {
        if (!isQuotedString(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                c = s.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * RFC 5321 Dot-string (with RFC 6531's UTF-8): atoms of atext separated by single dots. Characters from
     * U+00A0 up count as atext (SMTPUTF8); C0/C1 controls, space and specials do not.
     */
    static boolean isDotString(String s) {
        if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
            return false;
        }
        char prev = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (prev == '.') {
                    return false;
                }
            } else if (!isAtext(c)) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0xA0
            || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * A local part as it may go on the wire: itself when it is a dot-string, else a quoted string of it; null when
     * it holds a character no address may carry (C0/C1 controls, DEL).
     */
    static String wireLocalPart(String local) {
        if (isDotString(local)) {
            return local;
        }
        StringBuilder sb = new StringBuilder(local.length() + 8).append('"');
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xA0)) {
                return null;
            }
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /**
     * A domain as it may follow the {@code @}: dot-separated labels of letters, digits, {@code -} and {@code _} (and
     * UTF-8 from U+00A0, IDN U-labels under SMTPUTF8), or an address literal {@code [...]} of printable ASCII.
     */
    static boolean isDomain(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.charAt(0) == '[') {
            if (host.length() < 3 || host.charAt(host.length() - 1) != ']') {
                return false;
            }
            for (int i = 1; i < host.length() - 1; i++) {
                char c = host.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']' || c == '\\') {
                    return false;
                }
            }
            return true;
        }
        if (host.charAt(0) == '.' || host.charAt(host.length() - 1) == '.' || host.contains("..")) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
                || c >= 0xA0)) {
                return false;
            }
        }
        return true;
    }

    /** 16 characters of the base64 alphabet (base32 keys are a subset). */
    static boolean isDbKey(String key) {
        if (key.length() != DB_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase32(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }

    /** Upper-case base32 (RFC 4648 alphabet), no padding. */
    static String base32(byte[] b) {
        StringBuilder sb = new StringBuilder((b.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    private static String asciiUpper(String s) {
        char[] a = s.toCharArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] >= 'a' && a[i] <= 'z') {
                a[i] = (char) (a[i] - 32);
            }
        }
        return new String(a);
    }

    private static boolean hasLineBreakOrNul(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SrsEngine{" + config + (database == null ? "" : ", database mode " + dbMode.name().toLowerCase(Locale.ROOT)) + "}";
    }
}
