package org.jamesexim.arc;

import java.util.ArrayList;
import java.util.List;

/**
 * The ARC header fields of a message grouped into sets by instance, with the structural checks of RFC 8617
 * section 5.2 steps 1-4 (exactly one AAR/AMS/AS per instance, instances 1..N without gaps, N at most 50).
 */
final class ArcChain {
    static final int MAX_INSTANCES = ArcLimits.RFC_MAX_ARC_SETS;
    static final String AS = "arc-seal";
    static final String AMS = "arc-message-signature";
    static final String AAR = "arc-authentication-results";

    /** One instance's three fields, with the seal's and signature's tag lists. */
    static final class Set {
        final int instance;
        HeaderField aar;
        HeaderField ams;
        HeaderField as;
        TagList amsTags;
        TagList asTags;

        Set(int instance) {
            this.instance = instance;
        }
    }

    /** Index i holds instance i+1. Empty when there are no ARC fields. */
    final List<Set> sets;
    /** Non-null when the structure is broken; the chain then fails with this reason. */
    final String structureError;
    /** Whether any ARC header field was present at all. */
    final boolean anyArcHeader;
    /** Highest instance number seen in a readable ARC field (0 if none). */
    final int highestInstance;

    private ArcChain(List<Set> sets, String structureError, boolean anyArcHeader, int highestInstance) {
        this.sets = sets;
        this.structureError = structureError;
        this.anyArcHeader = anyArcHeader;
        this.highestInstance = highestInstance;
    }

    static ArcChain of(List<HeaderField> headers) {
        return of(headers, ArcLimits.DEFAULT);
    }

    /**
     * Groups the ARC fields of {@code headers}. One pass over the fields; each ARC field is parsed once and only
     * while the chain is still readable, so the work is linear in the size of the header section. A field larger
     * than {@link ArcLimits#maxArcFieldBytes()}, a tag list longer than {@link ArcLimits#maxTags()}, an instance
     * above {@link ArcLimits#maxArcSets()} or more ARC fields than three per allowed set are structure errors.
     */
    static ArcChain of(List<HeaderField> headers, ArcLimits limits) {
        int maxSets = limits.maxArcSets();
        Set[] byInstance = new Set[maxSets + 1];
        boolean any = false;
        String error = null;
        int highest = 0;
        int arcFields = 0;
        for (HeaderField h : headers) {
            String name = h.lowerName();
            if (name.length() < 8 || !name.startsWith("arc-")) {
                continue;
            }
            boolean isAs = name.equals(AS);
            boolean isAms = name.equals(AMS);
            boolean isAar = name.equals(AAR);
            if (!isAs && !isAms && !isAar) {
                continue;
            }
            any = true;
            String label = isAs ? "ARC-Seal" : isAms ? "ARC-Message-Signature" : "ARC-Authentication-Results";
            if (++arcFields > 3 * maxSets) {
                error = "more than " + (3 * maxSets) + " ARC header fields (maxArcSets " + maxSets + ")";
                break;
            }
            if (h.raw().length() > limits.maxArcFieldBytes()) {
                error = label + " of " + h.raw().length() + " bytes is larger than " + limits.maxArcFieldBytes()
                        + " (maxArcFieldBytes)";
                break;
            }
            int instance;
            TagList tags = null;
            if (isAar) {
                instance = aarInstance(h.value());
                if (instance < 0) {
                    error = label + " does not start with a valid i= tag";
                    break;
                }
            } else {
                try {
                    tags = TagList.parse(h.value(), limits.maxTags());
                } catch (TagList.SyntaxException e) {
                    error = label + " tag list: " + e.getMessage();
                    break;
                }
                instance = parseInstance(tags.get("i"));
                if (instance < 0) {
                    error = label + (tags.has("i") ? " has an invalid i= tag" : " has no i= tag");
                    break;
                }
            }
            if (instance > maxSets) {
                error = "i=" + instance + " (more than " + maxSets + " ARC sets, maxArcSets)";
                break;
            }
            highest = Math.max(highest, instance);
            Set s = byInstance[instance];
            if (s == null) {
                s = new Set(instance);
                byInstance[instance] = s;
            }
            if (isAs) {
                if (s.as != null) {
                    error = "i=" + instance + " (duplicate ARC-Seal)";
                    break;
                }
                s.as = h;
                s.asTags = tags;
            } else if (isAms) {
                if (s.ams != null) {
                    error = "i=" + instance + " (duplicate ARC-Message-Signature)";
                    break;
                }
                s.ams = h;
                s.amsTags = tags;
            } else {
                if (s.aar != null) {
                    error = "i=" + instance + " (duplicate ARC-Authentication-Results)";
                    break;
                }
                s.aar = h;
            }
        }
        List<Set> sets = new ArrayList<>(highest);
        for (int i = 1; i <= highest && error == null; i++) {
            Set s = byInstance[i];
            if (s == null) {
                error = "i=" + i + " (sequence; expected " + i + ")";
            } else if (s.aar == null || s.ams == null || s.as == null) {
                error = "i=" + i + " (missing header)";
            } else {
                sets.add(s);
            }
        }
        if (error != null) {
            // keep whatever sets we have for reporting, an absent instance as an empty set in its place (Exim's
            // $arc_domains has an empty element for a problem instance, so the list stays in instance order)
            List<Set> partial = new ArrayList<>(highest);
            for (int i = 1; i <= highest; i++) {
                partial.add(byInstance[i] != null ? byInstance[i] : new Set(i));
            }
            return new ArcChain(partial, error, any, highest);
        }
        return new ArcChain(sets, null, any, highest);
    }

    /** 1..50 from a digits-only value, else -1. */
    static int parseInstance(String v) {
        if (v == null || v.isEmpty() || v.length() > 3) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n >= 1 ? n : -1;
    }

    /** The instance of an AAR value {@code [WSP] i [WSP] = [WSP] digits [WSP] ; ...}, or -1. */
    static int aarInstance(String value) {
        int n = value.length();
        int i = 0;
        while (i < n && isWsp(value.charAt(i))) {
            i++;
        }
        if (i >= n || value.charAt(i) != 'i') {
            return -1;
        }
        i++;
        while (i < n && isWsp(value.charAt(i))) {
            i++;
        }
        if (i >= n || value.charAt(i) != '=') {
            return -1;
        }
        i++;
        while (i < n && isWsp(value.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        String digits = value.substring(start, i);
        while (i < n && isWsp(value.charAt(i))) {
            i++;
        }
        if (i >= n || value.charAt(i) != ';') {
            return -1;
        }
        return parseInstance(digits);
    }

    /** The AAR value after its {@code i=N;} prefix. */
    static String aarRest(String value) {
        int semi = value.indexOf(';');
        return semi < 0 ? "" : value.substring(semi + 1);
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Appends the relaxed form of the fields an ARC-Seal of instance {@code upTo} signs, except that seal. */
    static void appendSealInputBefore(List<Set> sets, int upTo, StringBuilder out) {
        for (int j = 1; j <= upTo; j++) {
            Set s = sets.get(j - 1);
            Canonicalization.relaxedHeader(s.aar.raw(), out);
            out.append("\r\n");
            Canonicalization.relaxedHeader(s.ams.raw(), out);
            out.append("\r\n");
            if (j < upTo) {
                Canonicalization.relaxedHeader(s.as.raw(), out);
                out.append("\r\n");
            }
        }
    }

    /** {@code raw} with the value of its {@code b=} tag removed (the tag list is that of {@code raw}'s value). */
    static String withoutSignature(HeaderField field, TagList tags) {
        int valueOffset = field.colon() + 1;
        int start = tags.rawValueStart("b");
        int end = tags.rawValueEnd("b");
        if (start < 0) {
            return field.raw();
        }
        String raw = field.raw();
        return raw.substring(0, valueOffset + start) + raw.substring(valueOffset + end);
    }
}
