package org.jamesexim.mailets;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.arc.ArcSetInfo;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.DnsJavaTxtResolver;
import org.jamesexim.arc.TxtResolver;

/**
 * What the ARC glue classes share: reading the {@code dns}, {@code dnsTimeout} and {@code trustedSealers}
 * parameters, turning a verification into the {@link ArcAttributes}, and getting a Mail's exact bytes in and out.
 */
public final class ArcSettings {
    private ArcSettings() {
    }

    /**
     * Builds the verifier from configuration.
     *
     * @param param reads a parameter ({@code null} when absent)
     * @param jamesDns James's DNS service, used when {@code dns} is {@code james} (the default)
     * @throws IllegalArgumentException naming the bad parameter
     */
    public static ArcVerifier verifier(Function<String, String> param, DNSService jamesDns) {
        return new ArcVerifier(resolver(param, jamesDns));
    }

    /**
     * {@code dns}: {@code james} (default: James's DNS service, as configured in dnsservice.xml), {@code system}
     * (dnsjava over resolv.conf) or {@code HOST [PORT]} (dnsjava asking that server); {@code dnsTimeout}: seconds
     * for dnsjava lookups (default 5).
     */
    public static TxtResolver resolver(Function<String, String> param, DNSService jamesDns) {
        String dns = trimmed(param.apply("dns"));
        Duration timeout = Duration.ofSeconds(5);
        String t = trimmed(param.apply("dnsTimeout"));
        if (t != null) {
            try {
                timeout = Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dnsTimeout must be a number of seconds, not '" + t + "'");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("dnsTimeout must be positive, not '" + t + "'");
            }
        }
        if (dns == null || dns.equalsIgnoreCase("james")) {
            if (jamesDns == null) {
                throw new IllegalArgumentException("dns=james needs James's DNSService");
            }
            return new JamesTxtResolver(jamesDns);
        }
        if (dns.equalsIgnoreCase("system")) {
            return new DnsJavaTxtResolver(timeout);
        }
        String[] parts = dns.split("\\s+");
        int port = 53;
        if (parts.length > 2) {
            throw new IllegalArgumentException("dns must be 'james', 'system' or 'HOST [PORT]', not '" + dns + "'");
        }
        if (parts.length == 2) {
            try {
                port = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dns port must be a number, not '" + parts[1] + "'");
            }
        }
        return DnsJavaTxtResolver.forServer(parts[0], port, timeout);
    }

    /** A colon-, comma- or space-separated list of domains, lower-cased; empty for {@code null}. */
    public static List<String> list(String value) {
        if (value == null || value.trim().isEmpty()) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>();
        for (String s : value.split("[:,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s.toLowerCase(Locale.ROOT));
            }
        }
        return Collections.unmodifiableList(out);
    }

    static String trimmed(String s) {
        return s == null || s.trim().isEmpty() ? null : s.trim();
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
     * Replaces the Mail's message with exactly these bytes. James's own mails get a message over the bytes that is
     * parsed only when asked and written out as is (a plain MimeMessage would be parsed here and copied again by
     * {@code MailImpl.setMessage}).
     */
    public static void replace(Mail mail, byte[] message) throws MessagingException {
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setMessageContent(new BytesSource(mail.getName(), message));
        } else {
            mail.setMessage(new MimeMessage(MimeSession.SHARED, new SharedByteArrayInputStream(message)));
        }
    }

    /**
     * TXT lookups through James's {@link DNSService}. James returns record data in zone-file form
     * ({@code "part one" "part two"}); the quoted strings are joined as RFC 6376 says.
     */
    static final class JamesTxtResolver implements TxtResolver {
        private final DNSService dns;

        JamesTxtResolver(DNSService dns) {
            this.dns = dns;
        }

        @Override
        public List<String> lookupTxt(String name) throws TxtLookupException {
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
                if (Character.isDigit(d) && i + 3 < t.length()) {
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
