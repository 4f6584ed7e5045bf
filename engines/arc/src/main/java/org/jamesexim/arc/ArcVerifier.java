package org.jamesexim.arc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jamesexim.common.HeaderText;

/**
 * Verifies the ARC chain of a message as RFC 8617 section 5.2 describes: structure, cv= rules, the newest
 * ARC-Message-Signature (body hash and signature), every ARC-Seal from the newest down, and the oldest-pass
 * value. Thread-safe; keep one instance and share it (it caches parsed public keys).
 *
 * <p>The work per message is bounded ({@link ArcLimits}): a message with ARC fields whose header section, header
 * field count, ARC field size, tag count or h= list passes a limit fails with a reason naming the limit; each key
 * is looked up at most once per message, and all lookups of one message share one deadline
 * ({@link ArcLimits#dnsDeadline()}), after which the result is {@link ArcState#TEMPERROR}, as for any DNS answer
 * that could not be had.</p>
 */
public final class ArcVerifier {
    private final KeyLookup keys;
    private final boolean computeOldestPass;
    private final ArcLimits limits;
    private final LongSupplier nanoClock;

    /** Verifies with keys from {@code resolver}, computing oldest-pass, with the default limits. */
    public ArcVerifier(TxtResolver resolver) {
        this(resolver, true);
    }

    /**
     * @param computeOldestPass whether to verify older AMS too to compute {@link ArcVerification#oldestPass()}
     *                          (RFC 8617 makes this optional; it costs one signature check per older set, the body
     *                          hashes of all sets being computed in one pass)
     */
    public ArcVerifier(TxtResolver resolver, boolean computeOldestPass) {
        this(resolver, computeOldestPass, ArcLimits.DEFAULT);
    }

    /** Verifies within {@code limits}. */
    public ArcVerifier(TxtResolver resolver, boolean computeOldestPass, ArcLimits limits) {
        this(resolver, computeOldestPass, limits, System::nanoTime);
    }

    /** As above, with the clock the DNS deadline is measured on (tests). */
    ArcVerifier(TxtResolver resolver, boolean computeOldestPass, ArcLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.keys = new KeyLookup(resolver, limits);
        this.computeOldestPass = computeOldestPass;
        this.nanoClock = nanoClock;
    }

    public ArcLimits limits() {
        return limits;
    }

    /** Verifies at the current time. */
    public ArcVerification verify(byte[] message) {
        return verify(MailMessage.parse(message), System.currentTimeMillis() / 1000L);
    }

    /** Verifies as if the time were {@code nowEpochSeconds} (for x= expiry). Never throws for bad input. */
    public ArcVerification verify(MailMessage message, long nowEpochSeconds) {
        ArcChain chain = ArcChain.of(message.headers(), limits);
        if (!chain.anyArcHeader) {
            return new ArcVerification(ArcState.NONE, "", Collections.emptyList(), 0, Collections.emptyList());
        }
        List<ArcSetInfo> infos = infos(chain);
        List<String> domains = new ArrayList<>(infos.size());
        for (ArcSetInfo i : infos) {
            domains.add(i.domain());
        }
        if (chain.structureError != null) {
            return fail(chain.structureError, domains, infos, false);
        }
        if (message.bodyStart() > limits.maxHeaderBytes()) {
            return fail("header section of " + message.bodyStart() + " bytes is larger than " + limits.maxHeaderBytes()
                    + " (maxHeaderBytes)", domains, infos, false);
        }
        if (message.headers().size() > limits.maxHeaderFields()) {
            return fail(message.headers().size() + " header fields, more than " + limits.maxHeaderFields()
                    + " (maxHeaderFields)", domains, infos, false);
        }
        List<ArcChain.Set> sets = chain.sets;
        int n = sets.size();
        Lookups lookups = new Lookups(nanoClock.getAsLong());
        try {
            // step 3: a chain already marked failed stays failed
            String newestCv = sets.get(n - 1).asTags.get("cv");
            if ("fail".equals(newestCv)) {
                throw new Failure("i=" + n + " (cv)");
            }
            // step 4: seal tags and cv= rules for every instance
            for (ArcChain.Set s : sets) {
                checkSealTags(s);
                String cv = s.asTags.get("cv");
                if (s.instance == 1 ? !"none".equals(cv) : !"pass".equals(cv)) {
                    throw new Failure("i=" + s.instance + " (seal cv state)");
                }
            }
            HeaderIndex index = new HeaderIndex(message.headers());
            // the body hashes every AMS to be checked needs, in one pass per canonicalisation
            Map<String, byte[]> bodyHashes = bodyHashes(message, computeOldestPass ? sets : sets.subList(n - 1, n));
            // step 5: the newest AMS
            verifyAms(index, message, sets.get(n - 1), nowEpochSeconds, bodyHashes, lookups);
            // step 6: oldest-pass
            int oldestPass = n;
            if (computeOldestPass) {
                for (int i = n - 1; i >= 1; i--) {
                    try {
                        verifyAms(index, message, sets.get(i - 1), nowEpochSeconds, bodyHashes, lookups);
                        oldestPass = i;
                    } catch (Failure f) {
                        break;
                    }
                }
            }
            // step 7: every seal, newest first
            StringBuilder sb = new StringBuilder(2048);
            for (int i = n; i >= 1; i--) {
                verifySeal(sets, i, sb, lookups);
            }
            return new ArcVerification(ArcState.PASS, "", domains, oldestPass, infos);
        } catch (Failure f) {
            return fail(f.getMessage(), domains, infos, f.temporary);
        }
    }

    /**
     * The key lookups of one verification: each key name is asked once (its key, or why there is none, is kept
     * for the rest of the message, temporary failures included), and all of them share the DNS deadline.
     */
    private final class Lookups {
        private final long deadline;
        private final Map<String, Object> outcomes = new HashMap<>(8);
        private int asked;

        Lookups(long startNanos) {
            this.deadline = startNanos + limits.dnsDeadline().toNanos();
        }

        PublicKeyRecord key(String selector, String domain) throws KeyLookup.KeyException {
            String name = KeyLookup.name(selector, domain).toLowerCase(Locale.ROOT);
            Object o = outcomes.get(name);
            if (o == null) {
                long left = deadline - nanoClock.getAsLong();
                if (left <= 0) {
                    o = new KeyLookup.KeyException("temperror: the DNS deadline of " + limits.dnsDeadline().toMillis()
                            + " ms passed after " + asked + " lookups (dnsDeadline)", true);
                } else {
                    asked++;
                    try {
                        o = keys.lookup(selector, domain, Duration.ofNanos(left));
                    } catch (KeyLookup.KeyException e) {
                        o = e;
                    }
                }
                outcomes.put(name, o);
            }
            if (o instanceof KeyLookup.KeyException) {
                throw (KeyLookup.KeyException) o;
            }
            return (PublicKeyRecord) o;
        }
    }

    /** The header fields by lower-case name, in message order, so that h= selects each in constant time. */
    static final class HeaderIndex {
        private final Map<String, List<HeaderField>> byName;

        HeaderIndex(List<HeaderField> headers) {
            byName = new HashMap<>(headers.size() * 2);
            for (HeaderField h : headers) {
                byName.computeIfAbsent(h.lowerName(), k -> new ArrayList<>(2)).add(h);
            }
        }

        /** The {@code skip}-th field of that name counted from the bottom, or {@code null}. */
        HeaderField fromBottom(String name, int skip) {
            List<HeaderField> l = byName.get(name);
            return l == null || skip >= l.size() ? null : l.get(l.size() - 1 - skip);
        }
    }

    /**
     * The body hashes of the AMS of {@code sets}, keyed as {@link #bodyKey}: one pass over the body per
     * canonicalisation, however many distinct l= the AMS carry. AMS whose c= or l= cannot be read are left out
     * (their verification fails on that before it needs a hash).
     */
    private static Map<String, byte[]> bodyHashes(MailMessage message, List<ArcChain.Set> sets) {
        Map<Canonicalization, List<Long>> wanted = new java.util.EnumMap<>(Canonicalization.class);
        for (ArcChain.Set s : sets) {
            TagList t = s.amsTags;
            Canonicalization body = Canonicalization.SIMPLE;
            String c = t.get("c");
            if (c != null) {
                int slash = c.indexOf('/');
                body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.of(c.substring(slash + 1));
            }
            long limit = -1;
            if (t.has("l")) {
                if (!isNumber(t.get("l"))) {
                    continue;
                }
                limit = Long.parseLong(t.get("l"));
            }
            if (body != null) {
                List<Long> l = wanted.computeIfAbsent(body, k -> new ArrayList<>(2));
                if (!l.contains(limit)) {
                    l.add(limit);
                }
            }
        }
        Map<String, byte[]> out = new HashMap<>(4);
        wanted.forEach((canon, limitList) -> {
            long[] limits = new long[limitList.size()];
            for (int i = 0; i < limits.length; i++) {
                limits[i] = limitList.get(i);
            }
            byte[][] hashes = canon.bodyHashes(message.data(), message.bodyStart(), message.data().length, limits);
            for (int i = 0; i < limits.length; i++) {
                out.put(bodyKey(canon, limits[i]), hashes[i]);
            }
        });
        return out;
    }

    private static String bodyKey(Canonicalization canon, long limit) {
        return canon.name() + limit;
    }

    private static ArcVerification fail(String reason, List<String> domains, List<ArcSetInfo> infos, boolean temp) {
        return new ArcVerification(temp ? ArcState.TEMPERROR : ArcState.FAIL, reason, domains, 0, infos);
    }

    private static List<ArcSetInfo> infos(ArcChain chain) {
        List<ArcSetInfo> out = new ArrayList<>(chain.sets.size());
        for (ArcChain.Set s : chain.sets) {
            String d = "";
            String sel = "";
            String cv = "";
            if (s.asTags != null) {
                // what the sender wrote, kept only where it is a well-formed value (these reach logs and headers)
                d = SafeText.domain(s.asTags.get("d"));
                sel = SafeText.domain(s.asTags.get("s"));
                cv = HeaderText.of(s.asTags.get("cv"), 10);
            }
            String amsSelector = s.amsTags == null ? "" : SafeText.domain(s.amsTags.get("s"));
            String id = "";
            if (s.aar != null) {
                String authservId = AuthResults.authservIdOf(ArcChain.aarRest(s.aar.value()));
                id = HeaderText.of(authservId, 253);
            }
            out.add(new ArcSetInfo(s.instance, d, sel, cv, id, amsSelector));
        }
        return out;
    }

    /** A verification failure; the message is the reason reported. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean temporary;

        Failure(String reason) {
            this(reason, false);
        }

        Failure(String reason, boolean temporary) {
            super(reason, null, false, false);
            this.temporary = temporary;
        }
    }

    private static void checkSealTags(ArcChain.Set s) throws Failure {
        TagList t = s.asTags;
        String p = "i=" + s.instance + " ARC-Seal: ";
        for (String required : new String[] {"a", "b", "cv", "d", "s"}) {
            if (t.get(required) == null) {
                throw new Failure(p + "required tag missing (" + required + "=)");
            }
        }
        if (t.has("h")) {
            throw new Failure(p + "h= is not allowed in a seal");
        }
        String cv = t.get("cv");
        if (!cv.equals("none") && !cv.equals("pass") && !cv.equals("fail")) {
            throw new Failure(p + "invalid cv=");
        }
        if (t.has("t") && !isNumber(t.get("t"))) {
            throw new Failure(p + "invalid t=");
        }
        if (!isDomain(t.get("d"))) {
            throw new Failure(p + "invalid d=");
        }
        if (!isDomain(t.get("s"))) {
            throw new Failure(p + "invalid s=");
        }
    }

    private void verifySeal(List<ArcChain.Set> sets, int instance, StringBuilder sb, Lookups lookups) throws Failure {
        ArcChain.Set s = sets.get(instance - 1);
        TagList t = s.asTags;
        SignatureAlgorithm alg = SignatureAlgorithm.fromTag(t.get("a"));
        if (alg == null) {
            throw new Failure("i=" + instance + " ARC-Seal: unsupported algorithm a=" + HeaderText.of(t.get("a"), 40));
        }
        byte[] sig = base64(t.getCompact("b"), "i=" + instance + " ARC-Seal b=");
        sb.setLength(0);
        ArcChain.appendSealInputBefore(sets, instance, sb);
        Canonicalization.relaxedHeader(ArcChain.withoutSignature(s.as, t), sb);
        PublicKeyRecord key = key(lookups, t.get("s"), t.get("d"), alg, "i=" + instance + " ARC-Seal");
        if (!check(alg, key, sb, sig)) {
            throw new Failure("i=" + instance + " (seal sigverify error)");
        }
    }

    private void verifyAms(HeaderIndex index, MailMessage message, ArcChain.Set s, long now,
                           Map<String, byte[]> bodyHashes, Lookups lookups) throws Failure {
        TagList t = s.amsTags;
        String p = "i=" + s.instance + " ARC-Message-Signature: ";
        for (String required : new String[] {"a", "b", "bh", "d", "h", "s"}) {
            if (t.get(required) == null) {
                throw new Failure(p + "required tag missing (" + required + "=)");
            }
        }
        SignatureAlgorithm alg = SignatureAlgorithm.fromTag(t.get("a"));
        if (alg == null) {
            throw new Failure(p + "unsupported algorithm a=" + HeaderText.of(t.get("a"), 40));
        }
        // RFC 8617 4.1.2: the AMS has the syntax and semantics of DKIM-Signature, so a missing c= means
        // simple/simple (RFC 6376 3.5); the draft-era suite (ams_fields_c_na) assumed relaxed/relaxed
        Canonicalization headerCanon = Canonicalization.SIMPLE;
        Canonicalization bodyCanon = Canonicalization.SIMPLE;
        String c = t.get("c");
        if (c != null) {
            int slash = c.indexOf('/');
            headerCanon = Canonicalization.of(slash < 0 ? c : c.substring(0, slash));
            bodyCanon = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.of(c.substring(slash + 1));
            if (headerCanon == null || bodyCanon == null) {
                throw new Failure(p + "invalid c=");
            }
        }
        String d = t.get("d");
        if (!isDomain(d) || !isDomain(t.get("s"))) {
            throw new Failure(p + "invalid d= or s=");
        }
        if (t.has("t") && !isNumber(t.get("t"))) {
            throw new Failure(p + "invalid t=");
        }
        if (t.has("x")) {
            if (!isNumber(t.get("x"))) {
                throw new Failure(p + "invalid x=");
            }
            if (Long.parseLong(t.get("x")) < now) {
                throw new Failure(p + "signature expired");
            }
        }
        long limit = -1;
        if (t.has("l")) {
            if (!isNumber(t.get("l"))) {
                throw new Failure(p + "invalid l=");
            }
            limit = Long.parseLong(t.get("l"));
        }
        String[] signed = splitHeaderList(t.get("h"), limits.maxSignedHeaders());
        if (signed == null) {
            throw new Failure(p + "h= lists more than " + limits.maxSignedHeaders() + " header fields (maxSignedHeaders)");
        }
        for (String h : signed) {
            if (h.equals(ArcChain.AS)) {
                throw new Failure(p + "h= must not include ARC-Seal");
            }
        }
        byte[] sig = base64(t.getCompact("b"), p + "b=");
        byte[] bh = base64(t.getCompact("bh"), p + "bh=");
        // body hash (computed for all AMS in one pass; shared between AMS with the same canonicalisation and limit)
        String bodyKey = bodyKey(bodyCanon, limit);
        byte[] computed = bodyHashes.get(bodyKey);
        if (computed == null) {
            MessageDigest md = SignatureAlgorithm.sha256();
            bodyCanon.body(message.data(), message.bodyStart(), message.data().length, limit, md);
            computed = md.digest();
            bodyHashes.put(bodyKey, computed);
        }
        if (!MessageDigest.isEqual(computed, bh)) {
            throw new Failure("i=" + s.instance + " (AMS body hash miscompare)");
        }
        StringBuilder sb = new StringBuilder(1024);
        appendSignedHeaders(index, signed, headerCanon, sb);
        headerCanon.header(ArcChain.withoutSignature(s.ams, t), sb);
        PublicKeyRecord key = key(lookups, t.get("s"), d, alg, p.trim());
        if (!check(alg, key, sb, sig)) {
            throw new Failure("i=" + s.instance + " (AMS sig nonverify)");
        }
    }

    /** Selects header fields bottom-up per name as DKIM does, appending each canonical form and CRLF. */
    static void appendSignedHeaders(List<HeaderField> headers, String[] names, Canonicalization canon,
                                    StringBuilder out) {
        appendSignedHeaders(new HeaderIndex(headers), names, canon, out);
    }

    static void appendSignedHeaders(HeaderIndex index, String[] names, Canonicalization canon, StringBuilder out) {
        Map<String, Integer> used = new HashMap<>(names.length * 2);
        for (String name : names) {
            int skip = used.getOrDefault(name, 0);
            HeaderField h = index.fromBottom(name, skip);
            if (h != null) {
                canon.header(h.raw(), out);
                out.append("\r\n");
            }
            used.put(name, skip + 1);
        }
    }

    /** The lower-cased names of an h= list; {@code null} when it has more than {@code max}. */
    static String[] splitHeaderList(String h, int max) {
        if (h.trim().isEmpty()) {
            return new String[0];
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start <= h.length()) {
            int colon = h.indexOf(':', start);
            int end = colon < 0 ? h.length() : colon;
            String name = h.substring(start, end).trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                if (out.size() == max) {
                    return null;
                }
                out.add(name);
            }
            start = end + 1;
        }
        return out.toArray(new String[0]);
    }

    private static PublicKeyRecord key(Lookups lookups, String selector, String domain, SignatureAlgorithm alg,
                                       String what) throws Failure {
        PublicKeyRecord key;
        try {
            key = lookups.key(selector, domain);
        } catch (KeyLookup.KeyException e) {
            throw new Failure(what + ": " + e.getMessage(), e.temporary);
        }
        if (!key.keyType.equals(alg.keyType())) {
            throw new Failure(what + ": key type " + key.keyType + " does not match a=" + alg.tag());
        }
        return key;
    }

    private static boolean check(SignatureAlgorithm alg, PublicKeyRecord key, StringBuilder data, byte[] sig) {
        try {
            return alg.verify(key.key, data.toString().getBytes(StandardCharsets.ISO_8859_1), sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] base64(String v, String what) throws Failure {
        if (v == null || v.isEmpty()) {
            throw new Failure(what + " is empty");
        }
        try {
            return Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw new Failure(what + " is not valid base64");
        }
    }

    static boolean isNumber(String v) {
        if (v == null || v.isEmpty() || v.length() > 12) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A DNS name: dot-separated labels of letters, digits, '-' and '_' (no empty label, at most 253 chars). */
    static boolean isDomain(String v) {
        if (v == null || v.isEmpty() || v.length() > 253) {
            return false;
        }
        int labelLen = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.') {
                if (labelLen == 0) {
                    return false;
                }
                labelLen = 0;
                continue;
            }
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c >= 0x80;
            if (!ok || ++labelLen > 63) {
                return false;
            }
        }
        return labelLen > 0;
    }

    static List<String> asList(String... s) {
        return Arrays.asList(s);
    }
}
