package org.jamesexim.queuefile;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jamesexim.common.LogText;

/**
 * One envelope recipient with its DSN parameters (RFC 3461), immutable.
 *
 * <p>{@code notify} uses the RFC 3461 keywords NEVER, SUCCESS, FAILURE, DELAY; empty means no NOTIFY was given.
 * In Exim's spool these are the flag bits 0x02, 0x04, 0x08, 0x10 ({@link #eximDsnFlags()}).</p>
 */
public final class SpoolRecipient {
    public static final int EXIM_DSN_LASTHOP = 0x01;
    public static final int EXIM_DSN_NEVER = 0x02;
    public static final int EXIM_DSN_SUCCESS = 0x04;
    public static final int EXIM_DSN_FAILURE = 0x08;
    public static final int EXIM_DSN_DELAY = 0x10;

    private final String address;
    private final Set<String> notify;
    private final String orcpt;
    private final String errorsTo;

    public SpoolRecipient(String address, Set<String> notify, String orcpt, String errorsTo) {
        this.address = requireAddress(address);
        Set<String> n = new LinkedHashSet<>();
        if (notify != null) {
            for (String k : notify) {
                String key = k.trim().toUpperCase(Locale.ROOT);
                if (!(key.equals("NEVER") || key.equals("SUCCESS") || key.equals("FAILURE") || key.equals("DELAY"))) {
                    throw new IllegalArgumentException("unknown DSN NOTIFY keyword " + LogText.quote(k) + " for " + LogText.quote(address));
                }
                n.add(key);
            }
        }
        this.notify = Collections.unmodifiableSet(n);
        this.orcpt = emptyToNull(orcpt);
        this.errorsTo = emptyToNull(errorsTo);
    }

    public static SpoolRecipient of(String address) {
        return new SpoolRecipient(address, null, null, null);
    }

    /** From Exim's per-recipient flag bits (0x01 lasthop is Exim-internal and dropped). */
    public static SpoolRecipient fromExim(String address, int dsnFlags, String orcpt, String errorsTo) {
        Set<String> n = new LinkedHashSet<>();
        if ((dsnFlags & EXIM_DSN_NEVER) != 0) {
            n.add("NEVER");
        }
        if ((dsnFlags & EXIM_DSN_SUCCESS) != 0) {
            n.add("SUCCESS");
        }
        if ((dsnFlags & EXIM_DSN_FAILURE) != 0) {
            n.add("FAILURE");
        }
        if ((dsnFlags & EXIM_DSN_DELAY) != 0) {
            n.add("DELAY");
        }
        return new SpoolRecipient(address, n, orcpt, errorsTo);
    }

    private static String requireAddress(String address) {
        Objects.requireNonNull(address, "recipient address");
        if (address.isEmpty() || address.indexOf('\n') >= 0 || address.indexOf('\r') >= 0 || address.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid recipient address " + LogText.quote(address));
        }
        return address;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public String address() {
        return address;
    }

    public Set<String> dsnNotify() {
        return notify;
    }

    /** The ORCPT value as given ({@code rfc822;bob@orig.example}), or null. */
    public String orcpt() {
        return orcpt;
    }

    /** Exim's per-recipient errors_to address, or null (James has no such field; kept for the Exim round trip). */
    public String errorsTo() {
        return errorsTo;
    }

    public int eximDsnFlags() {
        int f = 0;
        for (String k : notify) {
            switch (k) {
                case "NEVER": f |= EXIM_DSN_NEVER; break;
                case "SUCCESS": f |= EXIM_DSN_SUCCESS; break;
                case "FAILURE": f |= EXIM_DSN_FAILURE; break;
                default: f |= EXIM_DSN_DELAY; break;
            }
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpoolRecipient)) {
            return false;
        }
        SpoolRecipient r = (SpoolRecipient) o;
        return address.equals(r.address) && notify.equals(r.notify) && Objects.equals(orcpt, r.orcpt)
                && Objects.equals(errorsTo, r.errorsTo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, notify, orcpt, errorsTo);
    }

    @Override
    public String toString() {
        return address + (notify.isEmpty() ? "" : " NOTIFY=" + String.join(",", notify)) + (orcpt == null ? "" : " ORCPT=" + orcpt);
    }
}
