package org.jamesexim.mailets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.ArcVerification;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.arc.AuthResults;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SafeText;
import org.jamesexim.arc.SignatureAlgorithm;
import org.jamesexim.arc.SigningKey;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.mime.MimeBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals outgoing mail with an ARC set (RFC 8617), as Exim's {@code arc_sign} transport option. Only our own
 * findings are vouched for: the ARC-Authentication-Results is the Authentication-Results our
 * {@link AuthenticationResults} mailet added (attribute {@code jexim.authentication_results}; add it on entry),
 * never an A-R the sender wrote, and without it just {@code arc=<state>}; cv= comes from {@code jexim.arc_state}
 * when the mail was verified here (ArcVerifyHook or ArcVerify), else from verifying now, never from an
 * {@code arc=} written in the message. When that verification ends in {@code temperror} the mail is not sealed
 * (we must not vouch for a chain we could not check). A chain that already failed (newest seal cv=fail) is not
 * sealed again. {@code key} is PEM text (PKCS#1 or PKCS#8, RSA of at least 2048 bits or Ed25519) or a file (an
 * absolute path or a {@code file://} URL of James, see {@link PackFiles}) that only its owner may read
 * ({@code chmod 600}); {@code 0}, {@code false} or empty disables sealing. {@code perDomain} picks another sealing
 * identity by the envelope sender's domain ({@code senderdomain = d : selector : key}, entries separated by
 * {@code ;}). For a key rotation, {@code selectors} replaces {@code key}: every {@code selector : key} pair of
 * {@code domain} (entries separated by {@code ;}), {@code selector} naming the one that seals; the others are loaded and
 * checked at start like it and stay configured while their records must stay published (docs/arc.md, "Key rotation").
 * A mail that cannot be sealed goes on unchanged, with a log line. Unknown parameters and bad values
 * are refused at start, naming the parameter and never the key.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.ArcSeal">
 *     <authservId>mx.example.test</authservId>          <!-- required: as in AuthenticationResults -->
 *     <domain>example.test</domain>                     <!-- d= -->
 *     <selector>arc2026</selector>                      <!-- s= -->
 *     <key>/etc/james/arc/arc2026.pem</key>             <!-- path, file://conf/... or PEM text; 0/false/empty: no sealing -->
 *     <!-- key rotation, instead of key: every selector : key of domain; selector names the one that seals
 *     <selectors>arc2026 : /etc/james/arc/arc2026.pem ; arc2027 : /etc/james/arc/arc2027.pem</selectors> -->
 *     <timestamps>true</timestamps>                     <!-- t= on AMS and AS (default true) -->
 *     <expire></expire>                                 <!-- x= on the AMS: expire | +SECONDS | EPOCH (default none) -->
 *     <signedHeaders></signedHeaders>                   <!-- colon list; default: Exim's DKIM list, as present -->
 *     <perDomain>lists.example.org = lists.example.org : arc : /etc/james/arc/lists.pem</perDomain> <!-- optional -->
 *     <dns>james</dns>                                  <!-- for verifying when cv is not known: james | system | HOST [PORT] -->
 *     <dnsTimeout>5s</dnsTimeout>                       <!-- one DNS lookup (default 5s) -->
 *     <dnsDeadline>15s</dnsDeadline>                    <!-- all DNS lookups of one verification (default 15s) -->
 * </mailet>
 * }</pre>
 */
public class ArcSeal extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSeal.class);
    /** RSA keys shorter than this are refused for sealing (RFC 8301: signers SHOULD use at least 2048 bits). */
    public static final int MIN_RSA_BITS = 2048;

    /** {@code domain}: d= of the seal (required with {@code key}). */
    public static final Param<String> DOMAIN = Param.text("domain", null);
    /** {@code selector}: s= of the seal (required with {@code key}). */
    public static final Param<String> SELECTOR = Param.text("selector", null);
    /** {@code key}: a key file, {@code file://} URL of James or PEM text; {@code 0}, {@code false} or empty: no sealing. */
    public static final Param<String> KEY = Param.text("key", null).secret();
    /** {@code timestamps}: t= on the AMS and the AS. */
    public static final Param<Boolean> TIMESTAMPS = Param.bool("timestamps", true);
    /** {@code expire}: x= on the AMS ({@code expire}, {@code +SECONDS} or an epoch). */
    public static final Param<String> EXPIRE = Param.text("expire", null);
    /** {@code signedHeaders}: a colon list of the fields the AMS signs. */
    public static final Param<List<String>> SIGNED_HEADERS = Param.custom("signedHeaders", null, ArcSeal::signedHeaders);
    /**
     * {@code selectors}: {@code selector : key} entries separated by {@code ;}, every key of {@code domain} for a
     * rotation: {@code selector} names the one that seals, the others stay loaded (and checked) while their records
     * stay published. Instead of {@code key}.
     */
    public static final Param<String> SELECTORS = Param.text("selectors", null).secret();
    /** {@code perDomain}: {@code senderdomain = d : selector : key} entries separated by {@code ;}. */
    public static final Param<String> PER_DOMAIN = Param.text("perDomain", null);
    /** Every parameter ArcSeal reads. */
    public static final ParamSet PARAMETERS = ArcSettings.DNS_PARAMETERS.with(ArcSettings.AUTHSERV_ID, DOMAIN, SELECTOR, KEY,
            SELECTORS, TIMESTAMPS, EXPIRE, SIGNED_HEADERS, PER_DOMAIN);
    private static final java.util.regex.Pattern SELECTOR_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?");

    private final DNSService dnsService;
    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private ArcSealer defaultSealer;
    private ArcVerifier verifier;
    private final Map<String, ArcSealer> bySenderDomain = new LinkedHashMap<>();

    /** Without James's FileSystem: keys must then be PEM text or plain paths. */
    public ArcSeal(DNSService dnsService) {
        this(dnsService, null);
    }

    /** Without James's metrics (plain tests). */
    public ArcSeal(DNSService dnsService, FileSystem fileSystem) {
        this(dnsService, fileSystem, PackMetrics.NONE);
    }

    @Inject
    public ArcSeal(DNSService dnsService, FileSystem fileSystem, MetricFactory metrics) {
        this.dnsService = dnsService;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), ArcSeal.class, "ArcSeal: ");
        try {
            String authservId = values.get(ArcSettings.AUTHSERV_ID);
            boolean timestamps = values.get(TIMESTAMPS);
            String expire = values.get(EXPIRE);
            List<String> signedHeaders = values.get(SIGNED_HEADERS);
            verifier = ArcSettings.verifier(values, dnsService, metrics);
            List<Selector> all = selectors(values, fileSystem);
            List<String> kept = new ArrayList<>();
            for (Selector s : all) {
                if (!s.seals()) {
                    kept.add(s.selector());
                    continue;
                }
                ArcSealer sealer = sealer(authservId, s.domain(), s.selector(), s.key(), timestamps, expire, signedHeaders, verifier);
                if (s.senderDomain() == null) {
                    defaultSealer = sealer;
                } else {
                    bySenderDomain.put(s.senderDomain(), sealer);
                }
            }
            if (!kept.isEmpty()) {
                LOGGER.info("ArcSeal: d={} seals with selector {}; kept for the rotation window, not sealing: {}",
                        defaultSealer.domain(), values.get(SELECTOR), String.join(", ", kept));
            }
        } catch (IllegalArgumentException e) {
            throw new MessagingException("ArcSeal: " + e.getMessage());
        }
    }

    /**
     * One sealing identity of an ArcSeal configuration: {@code d=}, {@code s=}, its key, whether ArcSeal seals with it
     * (the others are {@code selectors} kept for a rotation window) and, for a {@code perDomain} entry, the envelope
     * sender domain that picks it. What a key check reads, with the same rules as ArcSeal ({@link #selectors}).
     */
    public static final class Selector {
        private final String domain;
        private final String selector;
        private final SigningKey key;
        private final boolean seals;
        private final String senderDomain;

        Selector(String domain, String selector, SigningKey key, boolean seals, String senderDomain) {
            this.domain = domain;
            this.selector = selector;
            this.key = key;
            this.seals = seals;
            this.senderDomain = senderDomain;
        }

        public String domain() {
            return domain;
        }

        public String selector() {
            return selector;
        }

        public SigningKey key() {
            return key;
        }

        /** True for the key ArcSeal seals with; false for a selector kept published for a rotation window. */
        public boolean seals() {
            return seals;
        }

        /** The envelope sender domain of a {@code perDomain} entry; null for {@code domain}'s own selectors. */
        public String senderDomain() {
            return senderDomain;
        }

        /** Where the key record must be published: {@code <selector>._domainkey.<domain>}. */
        public String dnsName() {
            return selector + "._domainkey." + domain;
        }

        /** The key record to publish there ({@link SigningKey#dnsRecord()}). */
        public String dnsRecord() {
            return key.dnsRecord();
        }

        @Override
        public String toString() {
            return dnsName() + (seals ? " (seals)" : " (kept)");
        }
    }

    /**
     * Every sealing identity the parameters name, keys loaded and checked as ArcSeal does at start: {@code domain}
     * with {@code selector} and {@code key}, or with {@code selectors} ({@code selector} picks the one that seals),
     * then each {@code perDomain} entry. Empty when sealing is off.
     *
     * @param fileSystem James's, for {@code file://} keys; may be null (plain paths and PEM text only)
     * @throws IllegalArgumentException naming the parameter or selector at fault, never a key
     */
    public static List<Selector> selectors(ParamValues values, FileSystem fileSystem) {
        List<Selector> out = new ArrayList<>();
        String list = values.get(SELECTORS);
        if (list != null) {
            if (values.get(KEY) != null) {
                throw new IllegalArgumentException("key and selectors: give the sealing key once, as one of selectors");
            }
            String domain = required(values, DOMAIN, "selectors");
            String sealing = required(values, SELECTOR, "selectors");
            Map<String, SigningKey> keys = new LinkedHashMap<>();
            for (String entry : list.split(";")) {
                if (entry.trim().isEmpty()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                String name = colon < 0 ? "" : entry.substring(0, colon).trim();
                if (colon < 0 || !SELECTOR_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("selectors entry '" + LogText.escape(colon < 0 ? "" : name, 40)
                            + "' must be 'selector : key' (selector: letters, digits, '-', '_', '.')");
                }
                if (keys.containsKey(name)) {
                    throw new IllegalArgumentException("selectors: selector " + name + " is given twice");
                }
                keys.put(name, key(fileSystem, "selectors key for " + name, entry.substring(colon + 1).trim())
                        .orElseThrow(() -> new IllegalArgumentException("selectors key for " + name + ": no key (0, false or empty)")));
            }
            if (!keys.containsKey(sealing)) {
                throw new IllegalArgumentException("selector " + LogText.escape(sealing, 40) + " is not one of selectors "
                        + keys.keySet());
            }
            keys.forEach((name, k) -> out.add(new Selector(domain, name, k, name.equals(sealing), null)));
        } else {
            Optional<SigningKey> key = key(fileSystem, "key", values.get(KEY));
            if (key.isPresent()) {
                out.add(new Selector(required(values, DOMAIN, "key"), required(values, SELECTOR, "key"), key.get(), true, null));
            }
        }
        String perDomain = values.get(PER_DOMAIN);
        if (perDomain != null) {
            for (String entry : perDomain.split(";")) {
                if (entry.trim().isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                String[] parts = eq < 0 ? new String[0] : entry.substring(eq + 1).split(":", 3);
                if (eq < 0 || parts.length != 3) {
                    throw new IllegalArgumentException("perDomain entry '" + entry.trim()
                            + "' must be 'senderdomain = domain : selector : key'");
                }
                String senderDomain = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (SafeText.domain(senderDomain).isEmpty()) {
                    throw new IllegalArgumentException("perDomain: '" + Param.shown(senderDomain)
                            + "' is not a domain name");
                }
                Optional<SigningKey> k = key(fileSystem, "perDomain key for " + senderDomain, parts[2]);
                if (k.isPresent()) {
                    out.add(new Selector(parts[0].trim(), parts[1].trim(), k.get(), true, senderDomain));
                }
            }
        }
        return out;
    }

    private static String required(ParamValues values, Param<String> p, String with) {
        String v = values.get(p);
        if (v == null) {
            throw new IllegalArgumentException(p.name() + " is required when " + with + " is set");
        }
        return v;
    }

    private static Optional<SigningKey> key(FileSystem fileSystem, String what, String spec) {
        if (spec == null) {
            return Optional.empty();
        }
        Optional<SigningKey> key;
        try {
            if (PackFiles.isFileUrl(spec)) {
                key = SigningKey.fromConfig(PackFiles.resolve(fileSystem, spec).toString());
            } else {
                key = SigningKey.fromConfig(spec);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
        if (key.isPresent() && key.get().algorithm() == SignatureAlgorithm.RSA_SHA256 && key.get().bits() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(what + ": an RSA key of " + key.get().bits() + " bits is too short to seal"
                    + " with (at least " + MIN_RSA_BITS + " bits, as RFC 8301 recommends)");
        }
        if (key.isPresent() && spec.trim().startsWith("-----")) {
            LOGGER.warn("ArcSeal: {} is given inline: keep the configuration file readable by James only, or name a"
                    + " key file of mode 0600 instead", what);
        }
        return key;
    }

    /**
     * {@code signedHeaders}: a colon list of field names, which must name From (RFC 6376 5.4) and must not name
     * ARC-Seal (RFC 8617 4.1.2).
     */
    static List<String> signedHeaders(String signed) {
        if (signed == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String n : signed.split(":")) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException("signedHeaders: '" + Param.shown(name)
                            + "' is not a header field name");
                }
            }
            names.add(name);
        }
        if (!names.contains("from")) {
            throw new IllegalArgumentException("signedHeaders must include From (RFC 6376 5.4)");
        }
        if (names.contains("arc-seal")) {
            throw new IllegalArgumentException("signedHeaders must not include ARC-Seal (RFC 8617 4.1.2)");
        }
        return names;
    }

    private static ArcSealer sealer(String authservId, String domain, String selector, SigningKey key, boolean timestamps,
                                    String expire, List<String> signedHeaders, ArcVerifier verifier) {
        ArcSealer.Builder b = ArcSealer.builder().authservId(authservId).domain(domain).selector(selector).key(key)
                .timestamps(timestamps).expire(expire).verifier(verifier);
        if (signedHeaders != null) {
            b.signedHeaders(signedHeaders);
        }
        return b.build();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        ArcSealer sealer = mail.getMaybeSender().asOptional()
                .map(s -> bySenderDomain.get(s.getDomain().asString().toLowerCase(Locale.ROOT)))
                .orElse(defaultSealer);
        if (sealer == null) {
            return;
        }
        try {
            MailMessage message = MailMessage.parse(ArcSettings.bytes(mail));
            long now = System.currentTimeMillis() / 1000L;
            // cv=: our verification only (the hook's or ArcVerify's verdict, else verify now)
            ArcState status = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE).map(ArcState::fromWord).orElse(null);
            if (status == null || status == ArcState.TEMPERROR) {
                ArcVerification v = verifier.verify(message, now);
                status = v.state();
                if (status == ArcState.TEMPERROR) {
                    LOGGER.info("ARC not sealed: chain status unknown ({}) mail={}", v.reason(), mail.getName());
                    return;
                }
            }
            ArcSealResult r = sealer.seal(message, status, ourResults(mail, sealer, status), now);
            if (!r.sealed()) {
                LOGGER.info("ARC not sealed: {} mail={}", r.reason(), mail.getName());
                return;
            }
            MimeBytes.replace(mail, r.applyTo(message));
            LOGGER.info("ARC sealed i={} cv={} d={} mail={}", r.instance(), r.cv(), sealer.domain(), mail.getName());
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("ARC sealing of {} failed, sent unsealed: {}", mail.getName(), LogText.escape(e.toString(), 200));
        }
    }

    /**
     * What the AAR says: the results of the Authentication-Results our AuthenticationResults mailet wrote (when it
     * wrote them for this authserv-id), else just our ARC verdict. Never an A-R found in the message: a sender can
     * write one in our name, and we would seal its claims.
     */
    static List<String> ourResults(Mail mail, ArcSealer sealer, ArcState status) {
        Optional<String> ours = ArcSettings.stringAttribute(mail, ArcAttributes.AUTHENTICATION_RESULTS);
        if (ours.isPresent()) {
            AuthResults ar = AuthResults.parse(ours.get());
            return ar != null && ar.isFrom(sealer.authservId()) ? ar.results() : List.of();
        }
        return List.of("arc=" + status.word());
    }

    @Override
    public String getMailetInfo() {
        return "ArcSeal: ARC sealing of outgoing mail (RFC 8617)";
    }
}
