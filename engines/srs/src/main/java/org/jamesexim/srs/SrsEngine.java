package org.jamesexim.srs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
 * <li>Deliberate difference: forward never emits a local part over {@link SrsConfig#localPartLimit()} octets
 * (64 by default, RFC 5321); it uses the database when one is configured, else leaves the sender as it was
 * ({@link SrsForwardResult.Outcome#TOO_LONG}).</li>
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
    /** Database keys are the first 16 characters of base64(HMAC-SHA1(secret, sender)), as libsrs_alt. */
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
        Objects.requireNonNull(alias, "alias");
        if (sender == null) {
            sender = "";
        }
        if (hasLineBreakOrNul(sender)) {
            return failed(sender, "Sender contains a line break or NUL");
        }
        int at = sender.lastIndexOf('@');
        if (at < 0 || at == sender.length() - 1) {
            return failed(sender, "Sender '" + sender + "' contains no @");
        }
        String sendUser = sender.substring(0, at);
        String sendHost = sender.substring(at + 1);
        if (sendUser.indexOf('@') >= 0) {
            return failed(sender, "Sender username may not contain an @");
        }
        String aliasHost = aliasDomain(alias);
        if (!config.alwaysRewrite() && asciiLower(aliasHost).equals(asciiLower(sendHost))) {
            return new SrsForwardResult(SrsForwardResult.Outcome.UNCHANGED, sender, sendUser + "@" + sendHost, null, null, null);
        }
        long day = today();
        if (database != null && dbMode == DbMode.ALWAYS) {
            return dbForward(sender, aliasHost, day);
        }
        String local = compile(sendHost, sendUser, day);
        int limit = config.localPartLimit();
        if (limit > 0 && local.getBytes(StandardCharsets.UTF_8).length > limit) {
            if (database != null) {
                return dbForward(sender, aliasHost, day);
            }
            return new SrsForwardResult(SrsForwardResult.Outcome.TOO_LONG, sender, sender,
                "SRS local part would be " + local.getBytes(StandardCharsets.UTF_8).length + " octets, over the limit of " + limit, null, null);
        }
        return new SrsForwardResult(SrsForwardResult.Outcome.REWRITTEN, sender, local + "@" + aliasHost, null, null, null);
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

    private SrsForwardResult dbForward(String sender, String aliasHost, long day) {
        String key = b64(mac(0, sender.getBytes(StandardCharsets.UTF_8))).substring(0, DB_KEY_LENGTH);
        try {
            database.insert(key, sender);
        } catch (SrsDatabase.SrsDatabaseException e) {
            return new SrsForwardResult(SrsForwardResult.Outcome.DEFER, sender, sender, "SRS database insert failed: " + e.getMessage(), key, sender);
        }
        String ts = timestampCreate(day);
        String local = "SRS0" + config.separator() + hashCreate(ts, key) + "=" + ts + "=" + key;
        return new SrsForwardResult(SrsForwardResult.Outcome.REWRITTEN, sender, local + "@" + aliasHost, null, key, sender);
    }

    // ------------------------------------------------------------------------------------------ reverse

    /**
     * Reverses an SRS address (the recipient of a bounce). Never throws for bad input: see
     * {@link SrsReverseResult#status()}.
     */
    public SrsReverseResult reverse(String address) {
        if (address == null) {
            address = "";
        }
        if (hasLineBreakOrNul(address)) {
            return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "Address contains a line break or NUL", null, null);
        }
        int at = address.lastIndexOf('@');
        if (at < 0 || at == address.length() - 1) {
            return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "Address contains no @", null, null);
        }
        String user = address.substring(0, at);
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
            return new SrsReverseResult(SrsStatus.VALID, address, "SRS0" + p[2] + "@" + p[1], null, null, null);
        }
        if (!hasTag(user, "SRS0")) {
            return bad(address, user, SrsStatus.NOT_SRS, SRS0_MISMATCH);
        }
        String rest = user.substring(5);
        int fields = 2 + (config.useHash() ? 1 : 0) + (config.useTimestamp() ? 1 : 0);
        String[] p = perlSplit(rest, fields);
        if (database != null && config.useHash() && config.useTimestamp() && p.length == 3) {
            return dbReverse(address, user, p);
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
        return new SrsReverseResult(SrsStatus.VALID, address, local + "@" + host, null, null, null);
    }

    private SrsReverseResult dbReverse(String address, String user, String[] p) {
        String hash = p[0];
        String ts = p[1];
        String key = p[2];
        if (!hashVerify(hash, ts, key)) {
            return bad(address, user, SrsStatus.BAD_HASH, "Invalid hash");
        }
        if (!timestampCheck(ts)) {
            return bad(address, user, SrsStatus.EXPIRED, "Invalid timestamp");
        }
        try {
            java.util.Optional<String> found = database.select(key);
            if (found.isEmpty()) {
                return new SrsReverseResult(SrsStatus.BAD_HASH, address, null, "Parse error in `" + user + "': No data found", key, null);
            }
            return new SrsReverseResult(SrsStatus.VALID, address, found.get(), null, key, found.get());
        } catch (SrsDatabase.SrsDatabaseException e) {
            return new SrsReverseResult(SrsStatus.DEFER, address, null, "SRS database select failed: " + e.getMessage(), key, null);
        }
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

    /** HMAC-SHA1 with the first secret over the lower-cased fields, base64, first hashlength characters. */
    String hashCreate(String... fields) {
        return b64(mac(0, fields)).substring(0, config.hashLength());
    }

    /** Mail::SRS hash_verify: at least hashmin characters; every secret, exact first, then case-insensitive. */
    boolean hashVerify(String hash, String... fields) {
        if (hash == null || hash.length() < config.hashMin()) {
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
