package org.jamesexim.mailets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.arc.HeaderField;
import org.jamesexim.arc.MailMessage;
import org.jamesexim.arc.TxtResolver;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dmarc.DmarcInput;
import org.jamesexim.dmarc.DmarcResult;
import org.jamesexim.dmarc.DmarcVerifier;
import org.jamesexim.dmarc.PublicSuffixes;

/**
 * What the DMARC glue classes share: the parameter declarations, building the {@link DmarcVerifier}, gathering a
 * mail's inputs (From fields; SPF from James's SPF mailet or SPF hook; DKIM verified here by jDKIM, the library
 * James's own {@code DKIMVerify} uses, with keys through the same TXT resolver and deadline; the ARC attributes and
 * the oldest passing hop's ARC-Authentication-Results) and writing {@link DmarcAttributes}.
 */
public final class DmarcSettings {
    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(DmarcSettings.class);
    private static final java.util.concurrent.atomic.AtomicBoolean NO_JDKIM_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();
    /** {@code discovery}: {@code psl} (RFC 7489, default) or {@code treewalk} (RFC 9989 §4.10). */
    public static final Param<String> DISCOVERY = Param.choice("discovery", "psl", "psl", "treewalk")
            .doc("psl (RFC 7489 with the Public Suffix List) | treewalk (RFC 9989 DNS tree walk)");
    /** {@code publicSuffixList}: {@code guava} (the list inside James's Guava, default) or an absolute path to a PSL file. */
    public static final Param<String> PUBLIC_SUFFIX_LIST = Param.text("publicSuffixList", "guava")
            .check(DmarcSettings::listSpec).doc("guava | /usr/share/publicsuffix/public_suffix_list.dat (a PSL file)");
    /** {@code arcOverride}: the ARC local policy (RFC 7489 §6.7): a DMARC fail with a passing chain whose newest sealer is trusted is treated as passing. */
    public static final Param<Boolean> ARC_OVERRIDE = Param.bool("arcOverride", false);
    /** {@code arcOverrideNeedsAuth}: with arcOverride, also ask the oldest passing hop's ARC-Authentication-Results for a pass for the From domain. */
    public static final Param<Boolean> ARC_OVERRIDE_NEEDS_AUTH = Param.bool("arcOverrideNeedsAuth", false);
    /**
     * DKIM-Signature fields checked per message, the first ones (newest): jDKIM hashes the body once per signature,
     * so a message with thousands of them would cost thousands of body hashes and key lookups.
     */
    public static final int MAX_DKIM_SIGNATURES = 10;
    /** The parameters every DMARC class that verifies reads. */
    public static final ParamSet PARAMETERS = ArcSettings.DNS_PARAMETERS.with(DISCOVERY, PUBLIC_SUFFIX_LIST, ARC_OVERRIDE,
            ARC_OVERRIDE_NEEDS_AUTH);

    private DmarcSettings() {
    }

    static String listSpec(String v) {
        if (v.equalsIgnoreCase("guava")) {
            return "guava";
        }
        Path p = Paths.get(v);
        if (!p.isAbsolute() || !java.nio.file.Files.isReadable(p)) {
            throw new IllegalArgumentException("publicSuffixList must be 'guava' or the absolute path of a readable file");
        }
        return v;
    }

    /** A verifier and the TXT resolver its DKIM key lookups share. */
    public static final class Engine {
        public final DmarcVerifier verifier;
        public final TxtResolver resolver;
        public final Duration dnsDeadline;

        Engine(DmarcVerifier verifier, TxtResolver resolver, Duration dnsDeadline) {
            this.verifier = verifier;
            this.resolver = resolver;
            this.dnsDeadline = dnsDeadline;
        }
    }

    /**
     * Builds the engine from {@link #PARAMETERS}.
     *
     * @throws IllegalArgumentException when a value cannot be used (dns=james without James's DNS, an unreadable list)
     */
    public static Engine engine(ParamValues values, DNSService jamesDns) {
        TxtResolver resolver = ArcSettings.resolver(values, jamesDns);
        PublicSuffixes suffixes;
        String list = values.get(PUBLIC_SUFFIX_LIST);
        try {
            suffixes = list.equals("guava") ? PublicSuffixes.guava() : PublicSuffixes.file(Paths.get(list));
        } catch (IOException e) {
            throw new IllegalArgumentException("publicSuffixList: cannot read " + list + ": " + e.getMessage());
        }
        Duration deadline = values.get(ArcSettings.DNS_DEADLINE);
        DmarcVerifier v = DmarcVerifier.builder(resolver).publicSuffixes(suffixes)
                .discovery(values.get(DISCOVERY).equalsIgnoreCase("treewalk") ? DmarcVerifier.Discovery.TREEWALK
                        : DmarcVerifier.Discovery.PSL)
                .arcOverride(values.get(ARC_OVERRIDE)).arcOverrideNeedsAuth(values.get(ARC_OVERRIDE_NEEDS_AUTH))
                .dnsDeadline(deadline).build();
        return new Engine(v, resolver, deadline);
    }

    /** Evaluates DMARC for {@code mail} and writes {@link DmarcAttributes}. */
    public static DmarcResult verify(Engine engine, Mail mail) throws MessagingException, IOException {
        byte[] bytes = ArcSettings.bytes(mail);
        // one dnsDeadline for all DNS work of the message: the DKIM keys, then the DMARC records
        long deadline = System.currentTimeMillis() + engine.dnsDeadline.toMillis();
        DmarcInput input = input(engine, mail, bytes, deadline);
        DmarcResult r = engine.verifier.verify(input, deadline);
        setAttributes(mail, r);
        return r;
    }

    /** The engine's input for {@code mail}: From fields, SPF, DKIM (verified now), ARC. */
    static DmarcInput input(Engine engine, Mail mail, byte[] bytes, long deadline) {
        MailMessage message = MailMessage.parse(bytes);
        DmarcInput.Builder in = DmarcInput.builder();
        for (HeaderField h : message.headers()) {
            if (h.hasName("from")) {
                in.from(h.value());
            }
        }
        Optional<String> spf = ArcSettings.stringAttribute(mail, AuthenticationResults.SPF_RESULT)
                .or(() -> ArcSettings.stringAttribute(mail, AuthenticationResults.SPF_HEADER));
        spf.ifPresent(s -> in.spf(AuthenticationResults.firstWord(s), spfDomain(mail, s)));
        try {
            dkim(engine, limitSignatures(message, bytes), in, deadline);
        } catch (LinkageError e) {
            // a James without jDKIM on its class path (it comes with James's DKIM module): no DKIM input
            if (!NO_JDKIM_LOGGED.getAndSet(true)) {
                LOGGER.warn("DMARC: jDKIM (org.apache.james.jdkim) is not on James's class path: DKIM is not checked, "
                        + "only SPF can pass ({})", e.toString());
            }
        }
        String state = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_STATE).orElse("");
        String trusted = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_TRUSTED_SEALER).orElse(null);
        String oldest = ArcSettings.stringAttribute(mail, ArcAttributes.ARC_OLDEST_PASS).orElse("0");
        in.arc(state, trusted, aar(message, oldest));
        return in.build();
    }

    /** The SPF identity: the MAIL FROM domain, or for a null sender the HELO name James's SPF hook recorded. */
    static String spfDomain(Mail mail, String spfText) {
        Optional<String> sender = mail.getMaybeSender().asOptional().map(a -> a.getDomain().asString());
        if (sender.isPresent()) {
            return sender.get();
        }
        int h = spfText.indexOf("helo=");
        if (h < 0) {
            return null;
        }
        int end = h + 5;
        while (end < spfText.length() && spfText.charAt(end) != ';' && spfText.charAt(end) != ' ') {
            end++;
        }
        return spfText.substring(h + 5, end);
    }

    /** The message with at most {@link #MAX_DKIM_SIGNATURES} DKIM-Signature fields (the first ones). */
    static byte[] limitSignatures(MailMessage message, byte[] bytes) {
        int count = 0;
        for (HeaderField h : message.headers()) {
            if (h.hasName("dkim-signature")) {
                count++;
            }
        }
        if (count <= MAX_DKIM_SIGNATURES) {
            return bytes;
        }
        int[] seen = {0};
        return message.rewrite(List.of(), h -> h.hasName("dkim-signature") && ++seen[0] > MAX_DKIM_SIGNATURES);
    }

    /** Every DKIM-Signature checked by jDKIM: passing ones by d=, a key DNS could not give as temperror. */
    static void dkim(Engine engine, byte[] bytes, DmarcInput.Builder in, long deadline) {
        PublicKeyRecordRetriever keys = (method, selector, token) -> {
            String name = selector + "._domainkey." + token;
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new TempFailException("dnsDeadline passed before " + name);
            }
            List<String> txt;
            try {
                txt = engine.resolver.lookupTxt(name, Duration.ofMillis(left));
            } catch (TxtResolver.TxtLookupException e) {
                throw new TempFailException(e.getMessage());
            }
            if (txt.isEmpty()) {
                throw new PermFailException("no key record at " + name);
            }
            return txt;
        };
        try {
            List<SignatureRecord> passed = new DKIMVerifier(keys).verify(new ByteArrayInputStream(bytes));
            if (passed != null) {
                for (SignatureRecord s : passed) {
                    in.dkim(String.valueOf(s.getDToken()), "pass");
                }
            }
        } catch (TempFailException e) {
            String id = e.getRelatedRecordIdentity();
            in.dkim(id == null ? "" : id.substring(id.lastIndexOf('@') + 1), "temperror");
        } catch (FailException e) {
            // no signature passed
        } catch (IOException | RuntimeException e) {
            // a message jDKIM cannot read: no DKIM pass
        }
    }

    /** The oldest passing hop's ARC-Authentication-Results after its {@code i=N;}, or {@code null}. */
    static String aar(MailMessage message, String oldestPass) {
        if (oldestPass.equals("0") || oldestPass.isEmpty()) {
            return null;
        }
        for (HeaderField h : message.headers()) {
            if (!h.hasName("arc-authentication-results")) {
                continue;
            }
            String v = h.value().trim();
            int semi = v.indexOf(';');
            if (semi < 0) {
                continue;
            }
            String inst = v.substring(0, semi).replace(" ", "").replace("\t", "").toLowerCase(Locale.ROOT);
            if (inst.equals("i=" + oldestPass)) {
                return v.substring(semi + 1).trim();
            }
        }
        return null;
    }

    /** Writes {@link DmarcAttributes} for {@code r}. */
    public static void setAttributes(Mail mail, DmarcResult r) {
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_RESULT, AttributeValue.of(r.status().word())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_POLICY, AttributeValue.of(r.policy() == null ? "" : r.policy().word())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_DISPOSITION, AttributeValue.of(r.disposition().word())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_DOMAIN, AttributeValue.of(r.fromDomain())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_POLICY_DOMAIN, AttributeValue.of(r.policyDomain())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_OVERRIDE, AttributeValue.of(r.override())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_REASON, AttributeValue.of(r.reason())));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_AUTH_RESULT, AttributeValue.of(r.authResult())));
    }

    /** The DKIM and SPF inputs as our log line names them. */
    static List<String> logInputs(DmarcInput in) {
        List<String> out = new ArrayList<>(2);
        if (!in.spfResult().isEmpty()) {
            out.add("spf=" + in.spfResult());
        }
        for (DmarcInput.Dkim d : in.dkim()) {
            out.add("dkim=" + d.result() + ":" + d.domain());
        }
        return out;
    }
}
