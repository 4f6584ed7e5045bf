package org.jamesexim.arc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies the ARC chain of a message as RFC 8617 section 5.2 describes: structure, cv= rules, the newest
 * ARC-Message-Signature (body hash and signature), every ARC-Seal from the newest down, and the oldest-pass
 * value. Thread-safe; keep one instance and share it (it caches parsed public keys).
 */
public final class ArcVerifier {
    private final KeyLookup keys;
    private final boolean computeOldestPass;

    /** Verifies with keys from {@code resolver}, computing oldest-pass. */
    public ArcVerifier(TxtResolver resolver) {
        this(resolver, true);
    }

    /**
     * @param computeOldestPass whether to verify older AMS too to compute {@link ArcVerification#oldestPass()}
     *                          (RFC 8617 makes this optional; it costs one body hash and signature per older set)
     */
    public ArcVerifier(TxtResolver resolver, boolean computeOldestPass) {
        this.keys = new KeyLookup(resolver);
        this.computeOldestPass = computeOldestPass;
    }

    /** Verifies at the current time. */
    public ArcVerification verify(byte[] message) {
        return verify(MailMessage.parse(message), System.currentTimeMillis() / 1000L);
    }

    /** Verifies as if the time were {@code nowEpochSeconds} (for x= expiry). Never throws for bad input. */
    public ArcVerification verify(MailMessage message, long nowEpochSeconds) {
        ArcChain chain = ArcChain.of(message.headers());
        if (!chain.anyArcHeader) {
            return new ArcVerification(ArcState.NONE, "", Collections.emptyList(), 0, Collections.emptyList(), false);
        }
        List<ArcSetInfo> infos = infos(chain);
        List<String> domains = new ArrayList<>(infos.size());
        for (ArcSetInfo i : infos) {
            domains.add(i.domain());
        }
        if (chain.structureError != null) {
            return fail(chain.structureError, domains, infos, false);
        }
        List<ArcChain.Set> sets = chain.sets;
        int n = sets.size();
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
            // step 5: the newest AMS
            Map<String, byte[]> bodyHashes = new HashMap<>(4);
            verifyAms(message, sets.get(n - 1), nowEpochSeconds, bodyHashes);
            // step 6: oldest-pass
            int oldestPass = n;
            if (computeOldestPass) {
                for (int i = n - 1; i >= 1; i--) {
                    try {
                        verifyAms(message, sets.get(i - 1), nowEpochSeconds, bodyHashes);
                        oldestPass = i;
                    } catch (Failure f) {
                        break;
                    }
                }
            }
            // step 7: every seal, newest first
            StringBuilder sb = new StringBuilder(2048);
            for (int i = n; i >= 1; i--) {
                verifySeal(sets, i, sb);
            }
            return new ArcVerification(ArcState.PASS, "", domains, oldestPass, infos, false);
        } catch (Failure f) {
            return fail(f.getMessage(), domains, infos, f.temporary);
        }
    }

    private static ArcVerification fail(String reason, List<String> domains, List<ArcSetInfo> infos, boolean temp) {
        return new ArcVerification(ArcState.FAIL, reason, domains, 0, infos, temp);
    }

    private static List<ArcSetInfo> infos(ArcChain chain) {
        List<ArcSetInfo> out = new ArrayList<>(chain.sets.size());
        for (ArcChain.Set s : chain.sets) {
            String d = "";
            String sel = "";
            String cv = "";
            if (s.asTags != null) {
                d = orEmpty(s.asTags.get("d"));
                sel = orEmpty(s.asTags.get("s"));
                cv = orEmpty(s.asTags.get("cv"));
            }
            String id = "";
            if (s.aar != null) {
                AuthResults ar = AuthResults.parse(ArcChain.aarRest(s.aar.value()));
                if (ar != null) {
                    id = ar.authservId();
                }
            }
            out.add(new ArcSetInfo(s.instance, d, sel, cv, id));
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
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

    private void verifySeal(List<ArcChain.Set> sets, int instance, StringBuilder sb) throws Failure {
        ArcChain.Set s = sets.get(instance - 1);
        TagList t = s.asTags;
        SignatureAlgorithm alg = SignatureAlgorithm.fromTag(t.get("a"));
        if (alg == null) {
            throw new Failure("i=" + instance + " ARC-Seal: unsupported algorithm a=" + t.get("a"));
        }
        byte[] sig = base64(t.getCompact("b"), "i=" + instance + " ARC-Seal b=");
        sb.setLength(0);
        ArcChain.appendSealInputBefore(sets, instance, sb);
        Canonicalization.relaxedHeader(ArcChain.withoutSignature(s.as, t), sb);
        PublicKeyRecord key = key(t.get("s"), t.get("d"), alg, "i=" + instance + " ARC-Seal");
        if (!check(alg, key, sb, sig)) {
            throw new Failure("i=" + instance + " (seal sigverify error)");
        }
    }

    private void verifyAms(MailMessage message, ArcChain.Set s, long now, Map<String, byte[]> bodyHashes)
            throws Failure {
        TagList t = s.amsTags;
        String p = "i=" + s.instance + " ARC-Message-Signature: ";
        for (String required : new String[] {"a", "b", "bh", "d", "h", "s"}) {
            if (t.get(required) == null) {
                throw new Failure(p + "required tag missing (" + required + "=)");
            }
        }
        SignatureAlgorithm alg = SignatureAlgorithm.fromTag(t.get("a"));
        if (alg == null) {
            throw new Failure(p + "unsupported algorithm a=" + t.get("a"));
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
        String[] signed = splitHeaderList(t.get("h"));
        for (String h : signed) {
            if (h.equals(ArcChain.AS)) {
                throw new Failure(p + "h= must not include ARC-Seal");
            }
        }
        byte[] sig = base64(t.getCompact("b"), p + "b=");
        byte[] bh = base64(t.getCompact("bh"), p + "bh=");
        // body hash (shared between AMS with the same canonicalisation and limit)
        String bodyKey = bodyCanon.name() + limit;
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
        appendSignedHeaders(message.headers(), signed, headerCanon, sb);
        headerCanon.header(ArcChain.withoutSignature(s.ams, t), sb);
        PublicKeyRecord key = key(t.get("s"), d, alg, p.trim());
        if (!check(alg, key, sb, sig)) {
            throw new Failure("i=" + s.instance + " (AMS sig nonverify)");
        }
    }

    /** Selects header fields bottom-up per name as DKIM does, appending each canonical form and CRLF. */
    static void appendSignedHeaders(List<HeaderField> headers, String[] names, Canonicalization canon,
                                    StringBuilder out) {
        Map<String, Integer> used = new HashMap<>(names.length * 2);
        for (String name : names) {
            int skip = used.getOrDefault(name, 0);
            int seen = 0;
            for (int i = headers.size() - 1; i >= 0; i--) {
                HeaderField h = headers.get(i);
                if (h.hasName(name)) {
                    if (seen == skip) {
                        canon.header(h.raw(), out);
                        out.append("\r\n");
                        break;
                    }
                    seen++;
                }
            }
            used.put(name, skip + 1);
        }
    }

    static String[] splitHeaderList(String h) {
        if (h.trim().isEmpty()) {
            return new String[0];
        }
        String[] parts = h.split(":", -1);
        List<String> out = new ArrayList<>(parts.length);
        for (String part : parts) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out.toArray(new String[0]);
    }

    private PublicKeyRecord key(String selector, String domain, SignatureAlgorithm alg, String what) throws Failure {
        PublicKeyRecord key;
        try {
            key = keys.lookup(selector, domain);
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
