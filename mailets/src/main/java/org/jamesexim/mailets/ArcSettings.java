package org.jamesexim.mailets;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.DNSServiceMBean;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.arc.ArcLimits;
import org.jamesexim.arc.ArcSetInfo;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.DnsJavaTxtResolver;
import org.jamesexim.arc.SafeText;
import org.jamesexim.arc.TxtResolver;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.mime.MimeBytes;
import org.apache.james.metrics.api.MetricFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ARC glue classes share: the declarations of the {@code dns}, {@code dnsTimeout}, {@code dnsDeadline},
 * {@code trustedSealers} and {@code authservId} parameters, turning a verification into the {@link ArcAttributes},
 * and getting a Mail's exact bytes in and out.
 */
public final class ArcSettings {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSettings.class);
    /** dnsTimeout when not given: one DNS query. */
    public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);
    /** dnsDeadline when not given: all DNS work of one message. */
    public static final Duration DEFAULT_DNS_DEADLINE = ArcLimits.DEFAULT.dnsDeadline();
    /** The longest dnsTimeout / dnsDeadline accepted: an SMTP client waits 10 minutes for the reply to DATA. */
    public static final Duration MAX_DNS_WAIT = Duration.ofMinutes(5);

    /** {@code dns}: {@code james} (default), {@code system} or {@code HOST [PORT]}. */
    public static final Param<String> DNS = Param.text("dns", "james").check(ArcSettings::dnsSpec)
            .doc("james (James's DNS servers) | system (resolv.conf) | HOST [PORT]");
    /** {@code dnsTimeout}: the longest wait for one lookup. */
    public static final Param<Duration> DNS_TIMEOUT = Param.duration("dnsTimeout", Param.format(DEFAULT_DNS_TIMEOUT))
            .atMost(Param.format(MAX_DNS_WAIT)).doc("one DNS lookup");
    /** {@code dnsDeadline}: all DNS work of one message; past it the verdict is temperror. */
    public static final Param<Duration> DNS_DEADLINE = Param.duration("dnsDeadline", Param.format(DEFAULT_DNS_DEADLINE))
            .atMost(Param.format(MAX_DNS_WAIT)).doc("all DNS lookups of one message");
    /** The parameters every ARC class that verifies reads. */
    public static final ParamSet DNS_PARAMETERS = ParamSet.of(DNS, DNS_TIMEOUT, DNS_DEADLINE);
    /** {@code trustedSealers}: domains whose seal on a passing chain sets {@code jexim.arc_trusted_sealer}. */
    public static final Param<List<String>> TRUSTED_SEALERS = Param.list("trustedSealers", null, Param.COLONS_COMMAS_BLANKS)
            .check(ArcSettings::domain).doc("domains, separated by colons, commas or blanks");
    /**
     * {@code authservId}: an RFC 8601 authserv-id written as a token, i.e. letters, digits and
     * {@code !#$%&'*+-.^_`{|}~} (a host name such as {@code mx.example.com}), at most 253 characters.
     */
    public static final Param<String> AUTHSERV_ID = Param.text("authservId", null).check(ArcSettings::authservId)
            .required("a token such as mx.example.com");
    /** The timer of every TXT lookup of a verification (key records), failed and timed-out ones included. */
    public static final String DNS_TIMER = "jexim.arc.dns";
    /** The counter of mails an SMTP hook left unverified because of its {@code skip} parameter. */
    public static final String SKIPPED = "jexim.arc.skipped";
    /** ARC states ({@code acceptable}, the ArcState matcher's condition), separated by colons, commas or blanks. */
    public static final String[] STATE_WORDS = {"none", "pass", "fail", "temperror"};

    private ArcSettings() {
    }

    /** A list of ARC states named {@code name}, as Exim's {@code verify = arc/none:pass}. */
    public static Param<List<String>> states(String name) {
        return Param.list(name, null, Param.COLONS_COMMAS_BLANKS).allowed(STATE_WORDS);
    }

    /**
     * Builds the verifier from the {@link #DNS_PARAMETERS}.
     *
     * @param jamesDns James's DNS service, used when {@code dns} is {@code james} (the default)
     * @throws IllegalArgumentException when dns=james and there is no DNS service
     */
    public static ArcVerifier verifier(ParamValues values, DNSService jamesDns) {
        return verifier(values, jamesDns, PackMetrics.NONE);
    }

    /** As {@link #verifier(ParamValues, DNSService)}, each TXT lookup timed as {@link #DNS_TIMER}. */
    public static ArcVerifier verifier(ParamValues values, DNSService jamesDns, MetricFactory metrics) {
        ArcLimits limits = ArcLimits.DEFAULT.toBuilder().dnsDeadline(values.get(DNS_DEADLINE)).build();
        return new ArcVerifier(timed(resolver(values, jamesDns), metrics), true, limits);
    }

    /** {@code resolver} with each lookup timed as {@link #DNS_TIMER}. */
    static TxtResolver timed(TxtResolver resolver, MetricFactory metrics) {
        return new TxtResolver() {
            @Override
            public List<String> lookupTxt(String name) throws TxtLookupException {
                return PackMetrics.time(metrics, DNS_TIMER, () -> resolver.lookupTxt(name));
            }

            @Override
            public List<String> lookupTxt(String name, Duration wait) throws TxtLookupException {
                return PackMetrics.time(metrics, DNS_TIMER, () -> resolver.lookupTxt(name, wait));
            }
        };
    }

    /** Counts the verification's state: {@code jexim.arc_state.<state>}. */
    public static void count(MetricFactory metrics, ArcVerification v) {
        PackMetrics.count(metrics, ArcAttributes.ARC_STATE, v.state().word());
    }

    /**
     * {@code dns}: {@code james} (default: the DNS servers James's DNS service uses, as configured in
     * dnsservice.xml), {@code system} (dnsjava over resolv.conf) or {@code HOST [PORT]} (dnsjava asking that server);
     * {@code dnsTimeout}: the longest wait for one lookup (default 5 s).
     */
    public static TxtResolver resolver(ParamValues values, DNSService jamesDns) {
        String dns = values.get(DNS);
        Duration timeout = values.get(DNS_TIMEOUT);
        if (dns.equalsIgnoreCase("james")) {
            if (jamesDns == null) {
                throw new IllegalArgumentException("dns=james needs James's DNSService");
            }
            return new JamesTxtResolver(jamesDns, timeout);
        }
        if (dns.equalsIgnoreCase("system")) {
            return new DnsJavaTxtResolver(timeout);
        }
        String[] parts = dns.split("\\s+");
        return DnsJavaTxtResolver.forServer(parts[0], parts.length == 2 ? Integer.parseInt(parts[1]) : 53, timeout);
    }

    /** Checks a {@code dns} value: {@code james}, {@code system} or {@code HOST [PORT]}. */
    static String dnsSpec(String dns) {
        if (dns.equalsIgnoreCase("james") || dns.equalsIgnoreCase("system")) {
            return dns;
        }
        String[] parts = dns.split("\\s+");
        if (parts.length > 2 || !isHost(parts[0])) {
            throw new IllegalArgumentException("dns must be 'james', 'system' or 'HOST [PORT]'");
        }
        if (parts.length == 2) {
            int port;
            try {
                port = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("dns port must be a number from 1 to 65535, not '"
                        + LogText.escape(parts[1], 20) + "'");
            }
        }
        return dns;
    }

    private static boolean isHost(String s) {
        if (!SafeText.domain(s).isEmpty()) {
            return true;
        }
        // an IP literal: digits, hex, dots and colons
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Checks an authserv-id token (see {@link #AUTHSERV_ID}). */
    static String authservId(String t) {
        boolean ok = t.length() <= 253;
        for (int i = 0; i < t.length() && ok; i++) {
            char c = t.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`{|}~".indexOf(c) >= 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("authservId must be a token such as mx.example.com (letters, digits, "
                    + "'.', '-', '_')");
        }
        return t;
    }

    /** A domain name, lower-cased. */
    static String domain(String d) {
        if (SafeText.domain(d).isEmpty()) {
            throw new IllegalArgumentException("'" + Param.shown(d) + "' is not a domain name");
        }
        return d.toLowerCase(Locale.ROOT);
    }

    /** The trusted sealer whose seal is the newest of a passing chain, if it is in {@code trusted}. */
    public static Optional<String> trustedSealer(ArcVerification v, List<String> trusted) {
        ArcSetInfo newest = v.newest();
        if (v.state() != ArcState.PASS || newest == null) {
            return Optional.empty();
        }
        String d = newest.domain().toLowerCase(Locale.ROOT);
        return trusted.contains(d) ? Optional.of(d) : Optional.empty();
    }

    /** Writes {@link ArcAttributes} for {@code v} on {@code mail}. */
    public static void setAttributes(Mail mail, ArcVerification v, List<String> trusted) {
        mail.setAttribute(new Attribute(ArcAttributes.ARC_STATE, AttributeValue.of(v.state().word())));
        mail.setAttribute(new Attribute(ArcAttributes.ARC_STATE_REASON, AttributeValue.of(v.reason())));
        mail.setAttribute(new Attribute(ArcAttributes.ARC_DOMAINS, AttributeValue.of(v.domainsColonList())));
        mail.setAttribute(new Attribute(ArcAttributes.ARC_OLDEST_PASS, AttributeValue.of(v.oldestPass())));
        Optional.ofNullable(v.newest()).map(ArcSetInfo::amsSelector).filter(sel -> !sel.isEmpty()).ifPresentOrElse(
                sel -> mail.setAttribute(new Attribute(ArcAttributes.ARC_AMS_SELECTOR, AttributeValue.of(sel))),
                () -> mail.removeAttribute(ArcAttributes.ARC_AMS_SELECTOR));
        trustedSealer(v, trusted).ifPresentOrElse(
                d -> mail.setAttribute(new Attribute(ArcAttributes.ARC_TRUSTED_SEALER, AttributeValue.of(d))),
                () -> mail.removeAttribute(ArcAttributes.ARC_TRUSTED_SEALER));
    }

    /** The log fields of a verification, named as the attributes: {@code arc_state=pass arc_domains=... ...}. */
    public static String logFields(ArcVerification v) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("arc_state=").append(v.state().word());
        if (!v.reason().isEmpty()) {
            sb.append(" arc_state_reason=\"").append(v.reason().replace('"', '\'')).append('"');
        }
        if (!v.domains().isEmpty()) {
            sb.append(" arc_domains=").append(v.domainsColonList());
        }
        sb.append(" arc_oldest_pass=").append(v.oldestPass());
        return sb.toString();
    }

    /** The String value of an attribute, if set. */
    public static Optional<String> stringAttribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> String.valueOf(a.getValue().value()));
    }

    /** The Mail's message exactly as it would be written (CRLF line endings). */
    public static byte[] bytes(Mail mail) throws MessagingException, IOException {
        return MimeBytes.of(mail.getMessage());
    }

    /**
     * TXT lookups for {@code dns=james}. James 3.8.1's {@code DNSJavaService.findTXTRecords} answers a lookup that
     * failed (timeout, SERVFAIL) with an empty list, exactly as it answers "no such record", so through it a DNS
     * outage would read as "no key" and good mail would be refused for good. So when the DNS service is James's
     * own (it says which servers it asks: {@link DNSServiceMBean#getDNSServers()}), the lookups go through dnsjava
     * to those same servers, which keeps the difference; only another DNSService (a test's stand-in) is asked
     * through {@code findTXTRecords}, whose answers are in zone-file form ({@code "part one" "part two"}) and are
     * joined as RFC 6376 says. The servers are read at the first lookup, when James has configured its service.
     */
    static final class JamesTxtResolver implements TxtResolver {
        private final DNSService dns;
        private final Duration timeout;
        private volatile DnsJavaTxtResolver direct;

        JamesTxtResolver(DNSService dns, Duration timeout) {
            this.dns = dns;
            this.timeout = timeout;
        }

        @Override
        public List<String> lookupTxt(String name) throws TxtLookupException {
            return lookupTxt(name, timeout);
        }

        @Override
        public List<String> lookupTxt(String name, Duration wait) throws TxtLookupException {
            DnsJavaTxtResolver d = direct();
            if (d != null) {
                return d.lookupTxt(name, wait);
            }
            Collection<String> records;
            try {
                records = dns.findTXTRecords(name);
            } catch (RuntimeException e) {
                throw new TxtLookupException("TXT lookup of " + name + " failed: " + e.getMessage());
            }
            List<String> out = new ArrayList<>(records.size());
            for (String r : records) {
                out.add(unquote(r));
            }
            return out;
        }

        /** The dnsjava resolver to James's DNS servers, or null when the DNS service does not name them. */
        DnsJavaTxtResolver direct() {
            DnsJavaTxtResolver d = direct;
            if (d == null && dns instanceof DNSServiceMBean) {
                String[] servers = ((DNSServiceMBean) dns).getDNSServers();
                if (servers != null && servers.length > 0) {
                    synchronized (this) {
                        if (direct == null) {
                            direct = DnsJavaTxtResolver.forServers(Arrays.asList(servers), timeout);
                            LOGGER.info("ARC dns=james: TXT lookups through dnsjava to James's DNS servers {} (timeout {} ms)",
                                    Arrays.toString(servers), timeout.toMillis());
                        }
                        d = direct;
                    }
                }
            }
            return d;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Joins zone-file quoted strings ({@code "a" "b"} → {@code ab}, with {@code \"} and {@code \DDD}); other text unchanged. */
    static String unquote(String s) {
        String t = s.trim();
        if (!t.startsWith("\"")) {
            return s;
        }
        StringBuilder sb = new StringBuilder(t.length());
        boolean in = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"') {
                in = !in;
            } else if (in && c == '\\' && i + 1 < t.length()) {
                char d = t.charAt(i + 1);
                if (i + 3 < t.length() && isDigit(d) && isDigit(t.charAt(i + 2)) && isDigit(t.charAt(i + 3))) {
                    sb.append((char) Integer.parseInt(t.substring(i + 1, i + 4)));
                    i += 3;
                } else {
                    sb.append(d);
                    i++;
                }
            } else if (in) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
