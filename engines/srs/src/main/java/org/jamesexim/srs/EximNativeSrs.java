package org.jamesexim.srs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Exim's native SRS ({@code SUPPORT_SRS}, Exim 4.95 and later): {@code ${srs_encode {secret}{return_path}{domain}}}
 * and the {@code inbound_srs} condition. A different scheme from Mail::SRS: HMAC-MD5 over the lower-cased whole
 * return path, 4 lower-case hex characters, a lower-case base32 day stamp, a fixed maximum age of 10 days, no SRS1,
 * separator always {@code =}. Here so that bounces to addresses an Exim server issued can still be reversed after
 * moving to James. Thread-safe.
 *
 * <p>{@link #lenient} (what the James glue uses) differs from Exim in one way: the hash and the day stamp are read
 * ignoring case, so a bounce whose address a remote MTA upper-cased still verifies (hex and base32 carry no
 * information in their case, so nothing is given away). Input over {@link SrsConfig#MAX_ADDRESS_OCTETS} octets is
 * refused at once; the parser is one left-to-right pass.</p>
 */
public final class EximNativeSrs {
    /** Exim's inbound_srs accepts a stamp 0..10 days old. */
    public static final int MAX_AGE = 10;
    private static final String B32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] secret;
    private final Clock clock;
    private final boolean lenient;

    /** Exactly Exim's {@code inbound_srs} (a quoted local part is not SRS0-shaped: no). @param secret the Exim SRS secret; empty means "accept any SRS0-shaped local part" as Exim does */
    public EximNativeSrs(String secret, Clock clock) {
        this(secret, clock, false);
    }

    private EximNativeSrs(String secret, Clock clock, boolean lenient) {
        this.secret = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lenient = lenient;
    }

    /**
     * As Exim, but the hash and the stamp are compared ignoring case (a case-smashed bounce still verifies), and a quoted
     * local part is read as its content ({@code "SRS0=521d=nr=example.com=john doe"@fwd.example.net}, which Exim's
     * {@code srs_encode} writes and its {@code inbound_srs} refuses when the quotes reach it).
     */
    public static EximNativeSrs lenient(String secret, Clock clock) {
        return new EximNativeSrs(secret, clock, true);
    }

    private long today() {
        return Math.floorDiv(clock.instant().getEpochSecond(), 86400L);
    }

    /**
     * {@code ${srs_encode {secret}{returnPath}{originalDomain}}}. The empty return path gives the empty string.
     *
     * @throws IllegalArgumentException when the return path has no {@code @}
     */
    public String encode(String returnPath, String originalDomain) {
        if (returnPath.isEmpty()) {
            return "";
        }
        int at = returnPath.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("return path '" + returnPath + "' contains no @");
        }
        String local = unquote(returnPath.substring(0, at));
        String domain = returnPath.substring(at + 1);
        int d = (int) Math.floorMod(today(), 1024L);
        String srsLocal = "SRS0=" + hash(SrsEngine.asciiLower(returnPath)) + "=" + B32.charAt((d >> 5) & 31) + B32.charAt(d & 31)
            + "=" + domain + "=" + local;
        return quoteIfNeeded(srsLocal) + "@" + originalDomain;
    }

    /**
     * The {@code inbound_srs} condition on a local part (or a whole address: the domain does not matter). Status
     * {@link SrsStatus#VALID} with {@code $srs_recipient} (lower-cased) when Exim would say yes.
     */
    public SrsReverseResult inbound(String address) {
        if (address == null) {
            address = "";
        }
        if (address.length() > SrsConfig.MAX_ADDRESS_OCTETS
            || address.getBytes(StandardCharsets.UTF_8).length > SrsConfig.MAX_ADDRESS_OCTETS) {
            return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "longer than " + SrsConfig.MAX_ADDRESS_OCTETS + " octets", null, null);
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "contains a line break or NUL", null, null);
            }
        }
        int at = address.lastIndexOf('@');
        String localPart = at >= 0 ? address.substring(0, at) : address;
        if (lenient) {
            // the pack's choice (docs/srs.md, "Exim native, quoted local parts"): "SRS0=...=john doe" and SRS0=...=john doe are
            // one mailbox (RFC 5321), and srs_encode itself writes the quoted form; Exim's inbound_srs, given the quotes, says no
            localPart = unquote(localPart);
        }
        // ^SRS0=([^=]+)=([A-Z2-7]{2})=([^=]*)=(.*)$ (case-insensitive), read in one pass
        if (localPart.length() < 5 || !localPart.regionMatches(true, 0, "SRS0=", 0, 5)) {
            return notExim(address);
        }
        int h = localPart.indexOf('=', 5);
        if (h <= 5 || h + 3 >= localPart.length() || localPart.charAt(h + 3) != '=') {
            return notExim(address);
        }
        String hash = localPart.substring(5, h);
        String ts = localPart.substring(h + 1, h + 3);
        if (!isBase32Letter(ts.charAt(0)) || !isBase32Letter(ts.charAt(1))) {
            return notExim(address);
        }
        int d = localPart.indexOf('=', h + 4);
        if (d < 0) {
            return notExim(address);
        }
        String domain = localPart.substring(h + 4, d);
        String local = localPart.substring(d + 1);
        if (secret.length == 0) {
            return new SrsReverseResult(SrsStatus.VALID, address, null, null, null, null);
        }
        String stamp = lenient ? SrsEngine.asciiLower(ts) : ts;
        int i0 = B32.indexOf(stamp.charAt(0));
        int i1 = B32.indexOf(stamp.charAt(1));
        String recipient = quoteIfNeeded(SrsEngine.asciiLower(local)) + "@" + SrsEngine.asciiLower(domain);
        String given = lenient ? SrsEngine.asciiLower(hash) : hash;
        if (i0 < 0 || i1 < 0 || given.length() != 4 || !given.equals(hash(recipient))) {
            return new SrsReverseResult(SrsStatus.BAD_HASH, address, null, "Exim SRS hash or timestamp does not verify", null, null);
        }
        int value = i0 * 32 + i1;
        if (((today() - value) & 0x3ff) > MAX_AGE) {
            return new SrsReverseResult(SrsStatus.EXPIRED, address, null, "Exim SRS timestamp is more than " + MAX_AGE + " days old", null, null);
        }
        return new SrsReverseResult(SrsStatus.VALID, address, recipient, null, null, null);
    }

    private static SrsReverseResult notExim(String address) {
        return new SrsReverseResult(SrsStatus.NOT_SRS, address, null, "not an Exim SRS0 address", null, null);
    }

    /** [A-Z2-7] ignoring case, as the regex of inbound_srs. */
    private static boolean isBase32Letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
    }

    private String hash(String data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret, "HmacMD5"));
            byte[] h = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            return new String(new char[] {HEX[(h[0] >> 4) & 15], HEX[h[0] & 15], HEX[(h[1] >> 4) & 15], HEX[h[1] & 15]});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is not available in this JVM", e);
        }
    }

    /** Removes RFC 5321 quoting from a local part: {@code "john doe"} gives {@code john doe}. */
    static String unquote(String local) {
        if (local.length() < 2 || local.charAt(0) != '"' || local.charAt(local.length() - 1) != '"') {
            return local;
        }
        StringBuilder sb = new StringBuilder(local.length());
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\' && i + 1 < local.length() - 1) {
                c = local.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Quotes a local part that is not an RFC 5321 dot-string. */
    static String quoteIfNeeded(String local) {
        boolean ok = !local.isEmpty() && local.charAt(0) != '.' && local.charAt(local.length() - 1) != '.' && !local.contains("..");
        for (int i = 0; ok && i < local.length(); i++) {
            char c = local.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c >= 128
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
        }
        if (ok) {
            return local;
        }
        StringBuilder sb = new StringBuilder(local.length() + 4).append('"');
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
