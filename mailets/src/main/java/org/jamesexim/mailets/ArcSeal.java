package org.jamesexim.mailets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.arc.ArcSealResult;
import org.jamesexim.arc.ArcSealer;
import org.jamesexim.arc.ArcState;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals outgoing mail with an ARC set (RFC 8617), as Exim's {@code arc_sign} transport option: the
 * ARC-Authentication-Results consolidates our {@code Authentication-Results} (add it on entry with
 * {@link AuthenticationResults}), cv= comes from {@code jexim.arc_state} when the mail was verified here, else
 * from the {@code arc=} result of our Authentication-Results, else from verifying now. A chain that already failed
 * (newest seal cv=fail) is not sealed again. {@code key} is PEM text (PKCS#1 or PKCS#8, RSA of at least 1024
 * bits or Ed25519) or a file (an absolute path or a {@code file://} URL of James, see {@link PackFiles}); {@code 0}, {@code false} or empty disables sealing. {@code perDomain} picks
 * another sealing identity by the envelope sender's domain ({@code senderdomain = d : selector : key}, entries
 * separated by {@code ;}). A mail that cannot be sealed goes on unchanged, with a log line.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.ArcSeal">
 *     <authservId>mx.example.test</authservId>          <!-- required: as in AuthenticationResults -->
 *     <domain>example.test</domain>                     <!-- d= -->
 *     <selector>arc2026</selector>                      <!-- s= -->
 *     <key>/etc/james/arc/arc2026.pem</key>             <!-- path, file://conf/... or PEM text; 0/false/empty: no sealing -->
 *     <timestamps>true</timestamps>                     <!-- t= on AMS and AS (default true) -->
 *     <expire></expire>                                 <!-- x= on the AMS: expire | +SECONDS | EPOCH (default none) -->
 *     <signedHeaders></signedHeaders>                   <!-- colon list; default: Exim's DKIM list, as present -->
 *     <perDomain>lists.example.org = lists.example.org : arc : /etc/james/arc/lists.pem</perDomain> <!-- optional -->
 *     <dns>james</dns>                                  <!-- for verifying when cv is not known: james | system | HOST [PORT] -->
 * </mailet>
 * }</pre>
 */
public class ArcSeal extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSeal.class);

    private final DNSService dnsService;
    private final FileSystem fileSystem;
    private ArcSealer defaultSealer;
    private final Map<String, ArcSealer> bySenderDomain = new LinkedHashMap<>();

    /** Without James's FileSystem: keys must then be PEM text or plain paths. */
    public ArcSeal(DNSService dnsService) {
        this(dnsService, null);
    }

    @Inject
    public ArcSeal(DNSService dnsService, FileSystem fileSystem) {
        this.dnsService = dnsService;
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        try {
            String authservId = ArcSettings.trimmed(getInitParameter("authservId"));
            if (authservId == null) {
                throw new IllegalArgumentException("authservId is required");
            }
            boolean timestamps = getInitParameter("timestamps", true);
            String expire = ArcSettings.trimmed(getInitParameter("expire"));
            String signed = ArcSettings.trimmed(getInitParameter("signedHeaders"));
            List<String> signedHeaders = signed == null ? null : Arrays.asList(signed.split(":"));
            org.jamesexim.arc.ArcVerifier verifier = ArcSettings.verifier(name -> getInitParameter(name), dnsService);
            Optional<SigningKey> key = key("key", getInitParameter("key"));
            if (key.isPresent()) {
                defaultSealer = sealer(authservId, param("domain"), param("selector"), key.get(), timestamps, expire,
                        signedHeaders, verifier);
            }
            String perDomain = ArcSettings.trimmed(getInitParameter("perDomain"));
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
                    Optional<SigningKey> k = key("perDomain key for " + entry.substring(0, eq).trim(), parts[2]);
                    if (k.isPresent()) {
                        bySenderDomain.put(entry.substring(0, eq).trim().toLowerCase(Locale.ROOT), sealer(authservId,
                                parts[0].trim(), parts[1].trim(), k.get(), timestamps, expire, signedHeaders, verifier));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new MessagingException("ArcSeal: " + e.getMessage());
        }
    }

    private String param(String name) {
        String v = ArcSettings.trimmed(getInitParameter(name));
        if (v == null) {
            throw new IllegalArgumentException(name + " is required when key is set");
        }
        return v;
    }

    private Optional<SigningKey> key(String what, String spec) {
        try {
            if (PackFiles.isFileUrl(spec)) {
                return SigningKey.fromConfig(PackFiles.resolve(fileSystem, spec).toString());
            }
            return SigningKey.fromConfig(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    private static ArcSealer sealer(String authservId, String domain, String selector, SigningKey key, boolean timestamps,
                                    String expire, List<String> signedHeaders, org.jamesexim.arc.ArcVerifier verifier) {
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
            ArcState known = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE).map(ArcState::fromWord).orElse(null);
            ArcSealResult r = sealer.seal(message, known, System.currentTimeMillis() / 1000L);
            if (!r.sealed()) {
                LOGGER.info("ARC not sealed: {} mail={}", r.reason(), mail.getName());
                return;
            }
            ArcSettings.replace(mail, r.applyTo(message));
            LOGGER.info("ARC sealed i={} cv={} d={} mail={}", r.instance(), r.cv(), sealer.domain(), mail.getName());
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.warn("ARC sealing of {} failed, sent unsealed: {}", mail.getName(), e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "ArcSeal: ARC sealing of outgoing mail (RFC 8617)";
    }
}
