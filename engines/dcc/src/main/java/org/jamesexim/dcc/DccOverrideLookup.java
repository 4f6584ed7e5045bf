package org.jamesexim.dcc;

import java.util.Locale;

import org.jamesexim.common.lookup.Deadline;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupResult;

/**
 * The client IP override looked up from the HELO name, as the spec's example
 * {@code warn set acl_m_dcc_override_client_ip = ${lookup{$sender_helo_name}nwildlsearch{/etc/mail/multipleip_sites}{$value}{}}}:
 * a site that sends from many addresses is known to dccifd by one. The table (a file, {@code *suffix} wildcards as
 * nwildlsearch, or a JDBC query) maps a HELO name to an IP address literal; a value that is not one is refused when
 * the file is read (naming the line) or, from a database, not used. Pure: the lookup does the I/O, within its deadline.
 */
public final class DccOverrideLookup {
    /** Only IP address literals ({@code 192.0.2.7}, {@code 2001:db8::1}, optionally in brackets) are overrides. */
    public static final Lookup.ValueCheck IP_LITERAL = v -> DccRequest.isIpLiteral(unbracket(v)) ? null
        : "not an IP address literal (the client IP override sent to dccifd)";

    private DccOverrideLookup() {
    }

    /**
     * The override for a message whose client said {@code helo}: found (the IP to send dccifd), not found (send the
     * client's own), or failed (the table could not be read now: the caller treats it as DCC being unusable, a
     * temporary failure). An empty HELO name is not looked up.
     */
    public static LookupResult forHelo(Lookup lookup, String helo, Deadline deadline) {
        String key = helo == null ? "" : helo.trim().toLowerCase(Locale.ROOT);
        if (key.isEmpty()) {
            return LookupResult.notFound("no HELO name");
        }
        LookupResult r = lookup.find(key, deadline);
        if (r.value().isPresent() && IP_LITERAL.problem(r.value().get()) != null) {
            return LookupResult.notFound("the value for this HELO name is " + IP_LITERAL.problem(r.value().get()));
        }
        return r;
    }

    private static String unbracket(String v) {
        String s = v == null ? "" : v.trim();
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
