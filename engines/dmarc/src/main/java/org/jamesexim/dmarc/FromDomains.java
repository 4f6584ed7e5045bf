package org.jamesexim.dmarc;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jamesexim.common.mail.CommentsAndQuotes;

/**
 * The RFC5322.From domains of a message (RFC 7489 §6.6.1): the domains of the addresses of the From field values,
 * read in one pass past comments, quoted strings, display names and groups; each lower case, IDNs in their ASCII
 * form, without a trailing dot. At most {@value #MAX_ADDRESSES} addresses are read.
 */
public final class FromDomains {
    static final int MAX_ADDRESSES = 100;

    private FromDomains() {
    }

    /** The distinct domains of the addresses in one From field value (empty when it holds no address). */
    public static List<String> of(String value) {
        Set<String> out = new LinkedHashSet<>();
        StringBuilder token = new StringBuilder();
        StringBuilder angle = null;
        String lastAngle = null;
        CommentsAndQuotes lexer = new CommentsAndQuotes();
        int addresses = 0;
        for (int i = 0; i <= value.length() && addresses < MAX_ADDRESSES; i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (!lexer.outside(c)) {
                continue;
            }
            switch (c) {
                case '<':
                    angle = new StringBuilder();
                    break;
                case '>':
                    if (angle != null) {
                        lastAngle = angle.toString();
                        angle = null;
                    }
                    break;
                case ':':
                    if (angle == null) {
                        token.setLength(0); // a group's display name
                    } else {
                        angle.append(c);
                    }
                    break;
                case ',':
                case ';':
                    if (angle == null) {
                        String address = lastAngle != null ? lastAngle : token.toString();
                        String d = domainOf(address);
                        if (d != null) {
                            out.add(d);
                            addresses++;
                        }
                        token.setLength(0);
                        lastAngle = null;
                    } else {
                        angle.append(c);
                    }
                    break;
                default:
                    if (angle != null) {
                        angle.append(c);
                    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                        token.append(c);
                    }
                    break;
            }
        }
        return new ArrayList<>(out);
    }

    /** The domain after the last {@code @} of an address, checked and normalised; {@code null} if there is none. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String d = address.substring(at + 1).trim();
        if (d.startsWith("[")) {
            return null; // an address literal has no DMARC policy
        }
        return normalise(d);
    }

    /** A domain as DMARC compares it (lower case ASCII, no trailing dot), or {@code null} when it is not a domain. */
    public static String normalise(String domain) {
        String d = domain.trim();
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.length() > 253) {
            return null;
        }
        try {
            d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int labelStart = 0;
        for (int i = 0; i <= d.length(); i++) {
            char c = i < d.length() ? d.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63 || d.charAt(labelStart) == '-' || d.charAt(i - 1) == '-') {
                    return null;
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return null;
            }
        }
        return d;
    }
}
