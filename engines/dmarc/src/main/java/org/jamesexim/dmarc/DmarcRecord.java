package org.jamesexim.dmarc;

import java.util.Locale;

/**
 * A parsed DMARC policy record ({@code _dmarc.<domain>} TXT, RFC 7489 §6.3; the RFC 9989 tags {@code np},
 * {@code psd} and {@code t} are read too). One pass over the text, no regular expressions, no backtracking: the
 * parse is linear in the record's length whatever it holds. As RFC 7489 §6.3 asks, unknown tags are ignored and a
 * bad value of an optional tag gives its default; {@code v=DMARC1} must come first; a missing or bad {@code p} is
 * read as {@code p=none} when {@code rua} holds a usable URI (§6.6.3, step 6), otherwise the record is no policy.
 * Immutable.
 */
public final class DmarcRecord {
    private final String text;
    private final DmarcPolicy p;
    private final DmarcPolicy sp;
    private final DmarcPolicy np;
    private final boolean strictDkim;
    private final boolean strictSpf;
    private final int pct;
    private final char psd;
    private final boolean testing;
    private final boolean pFromRua;

    private DmarcRecord(String text, DmarcPolicy p, DmarcPolicy sp, DmarcPolicy np, boolean strictDkim,
                        boolean strictSpf, int pct, char psd, boolean testing, boolean pFromRua) {
        this.text = text;
        this.p = p;
        this.sp = sp;
        this.np = np;
        this.strictDkim = strictDkim;
        this.strictSpf = strictSpf;
        this.pct = pct;
        this.psd = psd;
        this.testing = testing;
        this.pFromRua = pFromRua;
    }

    /** Why a TXT record is not a usable DMARC record. */
    public static final class InvalidRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRecordException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Whether a TXT record is a DMARC record at all (RFC 7489 §6.6.3 step 2: it starts with {@code v=DMARC1}, blanks
     * allowed around {@code =}): the records that are not are dropped before counting.
     */
    public static boolean isDmarc(String text) {
        int i = skipBlanks(text, 0);
        if (i >= text.length() || (text.charAt(i) != 'v' && text.charAt(i) != 'V')) {
            return false;
        }
        i = skipBlanks(text, i + 1);
        if (i >= text.length() || text.charAt(i) != '=') {
            return false;
        }
        i = skipBlanks(text, i + 1);
        if (!text.startsWith("DMARC1", i)) {
            return false;
        }
        i = skipBlanks(text, i + 6);
        return i == text.length() || text.charAt(i) == ';';
    }

    /** Parses a record (a TXT record's strings joined). */
    public static DmarcRecord parse(String text) throws InvalidRecordException {
        if (text == null || !isDmarc(text)) {
            throw new InvalidRecordException("not a DMARC record (v=DMARC1 must come first)");
        }
        DmarcPolicy p = null;
        DmarcPolicy sp = null;
        DmarcPolicy np = null;
        boolean seenP = false;
        boolean strictDkim = false;
        boolean strictSpf = false;
        int pct = 100;
        char psd = 'u';
        boolean testing = false;
        boolean ruaUsable = false;
        boolean first = true;
        int n = text.length();
        int start = 0;
        while (start <= n) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = n;
            }
            int a = skipBlanks(text, start);
            int b = end;
            while (b > a && isBlank(text.charAt(b - 1))) {
                b--;
            }
            if (b > a) {
                int eq = a;
                while (eq < b && text.charAt(eq) != '=') {
                    eq++; // within this tag only: the whole parse stays linear
                }
                if (eq < b) {
                    int nameEnd = eq;
                    while (nameEnd > a && isBlank(text.charAt(nameEnd - 1))) {
                        nameEnd--;
                    }
                    String name = text.substring(a, nameEnd).toLowerCase(Locale.ROOT);
                    String value = text.substring(Math.min(skipBlanks(text, eq + 1), b), b);
                    if (first) {
                        first = false; // v=DMARC1, checked by isDmarc
                    } else {
                        switch (name) {
                            case "p":
                                if (!seenP) {
                                    seenP = true;
                                    p = DmarcPolicy.fromWord(value);
                                }
                                break;
                            case "sp":
                                if (sp == null) {
                                    sp = DmarcPolicy.fromWord(value);
                                }
                                break;
                            case "np":
                                if (np == null) {
                                    np = DmarcPolicy.fromWord(value);
                                }
                                break;
                            case "adkim":
                                strictDkim = value.equalsIgnoreCase("s");
                                break;
                            case "aspf":
                                strictSpf = value.equalsIgnoreCase("s");
                                break;
                            case "pct":
                                pct = percent(value);
                                break;
                            case "psd":
                                psd = value.length() == 1 && "ynu".indexOf(Character.toLowerCase(value.charAt(0))) >= 0
                                        ? Character.toLowerCase(value.charAt(0)) : 'u';
                                break;
                            case "t":
                                testing = value.equalsIgnoreCase("y");
                                break;
                            case "rua":
                                ruaUsable = hasUri(value);
                                break;
                            default:
                                break; // unknown tags, rf, ri, fo, ruf: ignored here
                        }
                    }
                }
            }
            start = end + 1;
        }
        boolean pFromRua = false;
        if (p == null) {
            if (!ruaUsable) {
                throw new InvalidRecordException(seenP ? "bad p= value and no usable rua=" : "no p= tag and no usable rua=");
            }
            p = DmarcPolicy.NONE;
            pFromRua = true;
        }
        return new DmarcRecord(text, p, sp, np, strictDkim, strictSpf, pct, psd, testing, pFromRua);
    }

    /** {@code pct}: 0 to 100; anything else gives the default 100. */
    private static int percent(String v) {
        if (v.isEmpty() || v.length() > 3) {
            return 100;
        }
        int x = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return 100;
            }
            x = x * 10 + (c - '0');
        }
        return x <= 100 ? x : 100;
    }

    /** At least one item of a comma-separated URI list with a scheme ({@code mailto:x@y}, {@code https://...}). */
    private static boolean hasUri(String v) {
        int i = 0;
        int n = v.length();
        while (i < n) {
            int end = v.indexOf(',', i);
            if (end < 0) {
                end = n;
            }
            int a = skipBlanks(v, i);
            int k = a;
            while (k < end && (Character.isLetterOrDigit(v.charAt(k)) || "+-.".indexOf(v.charAt(k)) >= 0)) {
                k++;
            }
            if (k > a && Character.isLetter(v.charAt(a)) && k < end - 1 && v.charAt(k) == ':') {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** The record text as published. */
    public String text() {
        return text;
    }

    /** {@code p}: the policy for the domain itself. */
    public DmarcPolicy policy() {
        return p;
    }

    /** {@code sp}: the policy for subdomains, {@code null} when not given (then {@code p} applies). */
    public DmarcPolicy subdomainPolicy() {
        return sp;
    }

    /** {@code np} (RFC 9091/9989): for non-existent subdomains; read and reported, {@code null} when not given. */
    public DmarcPolicy nonExistentPolicy() {
        return np;
    }

    /** {@code adkim=s}. */
    public boolean strictDkim() {
        return strictDkim;
    }

    /** {@code aspf=s}. */
    public boolean strictSpf() {
        return strictSpf;
    }

    /** {@code pct}, 0..100 (default 100). */
    public int pct() {
        return pct;
    }

    /** {@code psd} (RFC 9989): {@code y}, {@code n} or {@code u} (default). */
    public char psd() {
        return psd;
    }

    /** {@code t=y} (RFC 9989): the domain owner is testing. */
    public boolean testing() {
        return testing;
    }

    /** Whether {@code p} was missing or bad and is read as {@code none} because {@code rua} is usable. */
    public boolean policyFromRua() {
        return pFromRua;
    }

    @Override
    public String toString() {
        return "DmarcRecord[p=" + p.word() + (sp == null ? "" : " sp=" + sp.word()) + " adkim=" + (strictDkim ? 's' : 'r')
                + " aspf=" + (strictSpf ? 's' : 'r') + " pct=" + pct + "]";
    }
}
