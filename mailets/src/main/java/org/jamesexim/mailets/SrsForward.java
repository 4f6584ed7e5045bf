package org.jamesexim.mailets;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.srs.SrsDomainList;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupParams;
import org.jamesexim.common.lookup.LookupResult;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the envelope sender of mail that is forwarded off-site with SRS (Exim's {@code srs = forward}), so SPF
 * at the next hop checks our domain instead of failing the original sender's. Put it in front of
 * {@code RemoteDelivery}. Never rewrites the null sender, nor senders of our own (local) domains unless
 * {@code alwaysRewrite} is true. The result is byte-compatible with Mail::SRS / postsrsd / libsrs_alt (Guarded).
 *
 * <pre>{@code
 * <processor state="relay" enableJmx="false">
 *     <mailet match="All" class="org.jamesexim.mailets.SrsForward">
 *         <secretsFile>file://conf/srs-secrets</secretsFile>  <!-- one secret a line, the first signs, all verify; mode 0600;
 *              read again when it changes (every reloadInterval, 5s): rotate without a restart -->
 *         <!-- or <secretsEnv>JEXIM_SRS_SECRETS</secretsEnv> / <secretsProperty>jexim.srs.secrets</secretsProperty>
 *              (an environment variable or JVM system property holding new:old), or <secrets>new:old</secrets> inline
 *              (a WARN at start); each secret 16 octets or more, never one of the docs' examples -->
 *         <hashlength>6</hashlength>          <!-- default 6 (Exim); Mail::SRS/postsrsd use 4 -->
 *         <hashmin>4</hashmin>                <!-- default: hashlength -->
 *         <maxage>31</maxage>                 <!-- days, default 31 -->
 *         <separator>=</separator>            <!-- = + or - after SRS0/SRS1, default = -->
 *         <alias>example.test</alias>         <!-- default: the postmaster's domain -->
 *         <!-- or <alias>$original_domain</alias>: the original recipient's domain when it is one of aliasDomains -->
 *         <aliasDomains>example.test, example.org</aliasDomains>   <!-- the domains $original_domain may be -->
 *         <aliasDomainsFile>file://conf/srs-aliases</aliasDomainsFile>  <!-- optional: more of them, one a line, read again when changed -->
 *         <!-- optional, Exim's expanded srs_alias: the alias looked up from the original recipient's domain, in a file of
 *              "recipient-domain: alias-domain" lines or a jdbc: URL with aliasLookupQuery (SELECT alias FROM srs_alias WHERE domain = $key) -->
 *         <aliasLookup>file://conf/srs-alias-by-domain</aliasLookup>
 *         <!-- or a database: <aliasLookup>jdbc:postgresql://db.example/mail</aliasLookup>
 *              <aliasLookupQuery>SELECT alias FROM srs_alias WHERE domain = $key</aliasLookupQuery>
 *              <aliasLookupUser>james</aliasLookupUser>
 *              <aliasLookupPasswordFile>file://conf/lookup-db.password</aliasLookupPasswordFile> (mode 0600; or ...Env, ...Property)
 *              <aliasLookupDriver>org.postgresql.Driver</aliasLookupDriver> (only when the URL does not find the driver)
 *              <aliasLookupTimeout>2s</aliasLookupTimeout> <aliasLookupConnections>4</aliasLookupConnections> <aliasLookupDeadline>5s</aliasLookupDeadline> -->
 *         <excludeDomains>spf-allows-us.example</excludeDomains>  <!-- senders never rewritten (*.d: its subdomains) -->
 *         <excludeDomainsFile>file://conf/srs-exclude</excludeDomainsFile>  <!-- optional: the same from a file -->
 *         <scope>all</scope>                  <!-- all (default) or forwarded: not authenticated users' own mail -->
 *         <hashAlphabet>base64</hashAlphabet> <!-- base64 (default) or base64url (postsrsd 2.x) -->
 *         <alwaysRewrite>false</alwaysRewrite>
 *         <!-- or the one-line form: <srs_config>secret:maxage:hashlength:usetimestamp:usehash</srs_config> -->
 *         <!-- database mode: <dburl>jdbc:postgresql://db/mail</dburl> <dbuser/> <dbpassword/> <dbdriver/>
 *              <dbinsert>INSERT ... $srs_db_key ... $srs_db_address</dbinsert> <dbselect>SELECT ... $srs_db_key</dbselect>
 *              <dbmode>always|toolong</dbmode> <dbtimeout>5</dbtimeout> <dbdeadline>10</dbdeadline>
 *              <dbconnections>8</dbconnections>; <dbpasswordFile/> or <dbpasswordProperty/> instead of <dbpassword/> -->
 *     </mailet>
 *     <mailet match="All" class="RemoteDelivery"> ... </mailet>
 * </processor>
 * }</pre>
 *
 * <p>Attributes: {@code jexim.srs_orig_sender} (the sender before), {@code jexim.srs_db_key} and
 * {@code jexim.srs_db_address} in database mode. The new sender is always a valid RFC 5321 address (a quoted local
 * part such as {@code "john doe"} gives a quoted SRS local part). Left as it was, and the mail sent on (logged): a
 * sender whose SRS form would exceed 64 octets unless database mode is configured, a sender that cannot be rewritten
 * (no valid domain, control characters, over 512 octets), a database that does not answer within {@code dbtimeout}
 * / {@code dbdeadline}. Mail is never held back or lost by this mailet.</p>
 *
 * <p>{@code aliasLookup} is Exim's expanded {@code srs_alias} (e.g. {@code ${lookup{$original_domain}...}}): the
 * original recipient's domain ({@code jexim.original_domain}) is looked up in a file (reloaded on change; {@code *.d}
 * wildcards) or a JDBC query ({@code aliasLookupQuery} with {@code $key}, and the shared lookup parameters); the alias
 * found is used when it is one of ours as for {@code $original_domain} (one of {@code aliasDomains}, or without them
 * a local domain: SrsReverse must take the bounces back), else, and when nothing is found or the lookup fails (WARN),
 * the alias as without the lookup. The mail goes on in every case.</p>
 */
public class SrsForward extends GenericMailet {

    private static final Logger LOGGER = LoggerFactory.getLogger(SrsForward.class);
    /**
     * {@code alias}: the domain the SRS addresses are made in (default: the postmaster's), or {@code $original_domain}
     * (Exim's variable, also {@code ${original_domain}}): the domain of the mail's original recipient when it is one of
     * {@code aliasDomains} (or, without them, a local domain), else the first of {@code aliasDomains} (else the
     * postmaster's domain).
     */
    public static final Param<String> ALIAS = Param.text("alias", null);
    /** {@code excludeDomains}: sender domains never rewritten (ours, domains whose SPF allows us); {@code *.d} for subdomains. */
    public static final Param<List<String>> EXCLUDE_DOMAINS = Param.custom("excludeDomains", null, SrsSettings::domains);
    /** {@code excludeDomainsFile}: the same from a file, one domain a line, read again when it changes. */
    public static final Param<String> EXCLUDE_DOMAINS_FILE = Param.text("excludeDomainsFile", null);
    /** {@code scope}: {@code all} mail that reaches the mailet (the default) or only {@code forwarded} mail (see {@link #isForwarded}). */
    public static final Param<String> SCOPE = Param.choice("scope", "all", "all", "forwarded");
    /** {@code aliasLookup} and its companions: the alias looked up from the original recipient's domain. */
    public static final LookupParams ALIAS_LOOKUP = LookupParams.of("alias");
    /** Every parameter SrsForward reads: the shared {@link SrsSettings#PARAMETERS} and its own. */
    public static final ParamSet PARAMETERS = SrsSettings.PARAMETERS.with(ALIAS, EXCLUDE_DOMAINS, EXCLUDE_DOMAINS_FILE, SCOPE)
        .with(ALIAS_LOOKUP.params());
    /** A value of {@code aliasLookup}: a domain name. */
    static final Lookup.ValueCheck DOMAIN_NAME = v -> isDomainName(v.trim().toLowerCase(Locale.ROOT)) ? null : "not a domain name";
    /** The expansion of {@code alias} that names the original recipient's domain. */
    static final String ORIGINAL_DOMAIN = "$original_domain";

    /** The counters of forward's results: {@code jexim.srs.forward.rewritten}, {@code unchanged}, {@code too_long}, {@code defer}, {@code failed}. */
    public static final String FORWARD_COUNTER = "jexim.srs.forward";

    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private SrsSettings settings;
    private String alias;
    private boolean aliasFromRecipient;
    private Lookup aliasLookup;
    private SrsDomainList excluded;
    private boolean forwardedOnly;
    private final AtomicBoolean warnedTooLong = new AtomicBoolean();

    /** Without James's FileSystem: {@code secretsFile} must then be a plain path. */
    public SrsForward() {
        this(null);
    }

    /** Without James's metrics (plain tests). */
    public SrsForward(FileSystem fileSystem) {
        this(fileSystem, PackMetrics.NONE);
    }

    @Inject
    public SrsForward(FileSystem fileSystem, MetricFactory metrics) {
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        try {
            settings = SrsSettings.read(GlueParams.source(getMailetConfig()), PARAMETERS, f -> PackFiles.resolve(fileSystem, f), metrics);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("SrsForward: " + e.getMessage());
        }
        try {
            excluded = SrsSettings.domainList(settings.values(), EXCLUDE_DOMAINS, EXCLUDE_DOMAINS_FILE, f -> PackFiles.resolve(fileSystem, f));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("SrsForward: " + settings.redact(e.getMessage()));
        }
        forwardedOnly = settings.values().get(SCOPE).equals("forwarded");
        String a = settings.values().get(ALIAS);
        if (a != null && (a.trim().equals(ORIGINAL_DOMAIN) || a.trim().equals("${original_domain}"))) {
            aliasFromRecipient = true;
            a = settings.aliasDomainList().first();
        }
        if (a == null || a.trim().isEmpty()) {
            MailAddress postmaster = getMailetContext().getPostmaster();
            if (postmaster == null) {
                throw new MessagingException("SrsForward: alias is not set and there is no postmaster address to take the domain from");
            }
            a = postmaster.getDomain().asString();
        }
        alias = a.trim().toLowerCase(Locale.ROOT);
        if (!isDomainName(alias)) {
            throw new MessagingException("SrsForward: alias must be a domain name, not '" + settings.redact(a) + "'");
        }
        try {
            aliasLookup = PackLookups.open(ALIAS_LOOKUP, settings.values(), fileSystem, DOMAIN_NAME, LOGGER, "SrsForward: ");
        } catch (IllegalArgumentException e) {
            throw new MessagingException("SrsForward: " + settings.redact(e.getMessage()));
        }
    }

    private static boolean isDomainName(String d) {
        return d.matches("[a-z0-9.-]+") && !d.startsWith(".") && !d.endsWith(".") && d.length() <= 253;
    }

    /** The alias domain the SRS addresses are made in (with {@code $original_domain}: the one used when no other fits). */
    public String alias() {
        return alias;
    }

    /**
     * The alias for {@code mail}: looked up ({@code aliasLookup}) from the original recipient's domain, else
     * {@link #alias()}, or with {@code $original_domain} that domain when it may be one.
     */
    String aliasFor(Mail mail) {
        String domain = mail.getAttribute(SrsAttributes.ORIGINAL_DOMAIN).map(x -> x.getValue().value()).filter(String.class::isInstance)
            .map(String.class::cast).map(x -> x.toLowerCase(Locale.ROOT)).orElse(null);
        if (domain == null || domain.startsWith("*.")) {
            return alias;
        }
        if (aliasLookup != null) {
            LookupResult r = aliasLookup.find(domain, aliasLookup.deadline());
            if (r.failed()) {
                LOGGER.warn("SrsForward: mail={} aliasLookup failed for {} ({}): the alias is {}", mail.getName(), domain,
                    settings.safe(r.detail()), aliasFromRecipient && mayBeAlias(domain) ? domain : alias);
            } else if (r.value().isPresent()) {
                String found = r.value().get().trim().toLowerCase(Locale.ROOT);
                if (mayBeAlias(found)) {
                    return found;
                }
                LOGGER.warn("SrsForward: mail={} aliasLookup gave {} for {}, which is not one of aliasDomains (or local): not used",
                    mail.getName(), found, domain);
            }
        }
        return aliasFromRecipient && mayBeAlias(domain) ? domain : alias;
    }

    /** True when SRS addresses in {@code domain} come back to us: one of {@code aliasDomains}, or without them a local domain. */
    private boolean mayBeAlias(String domain) {
        SrsDomainList ours = settings.aliasDomainList();
        if (!ours.isEmpty()) {
            return ours.contains(domain);
        }
        try {
            return getMailetContext().isLocalServer(org.apache.james.core.Domain.of(domain));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Forwarded mail, for {@code scope} {@code forwarded}: a copy James made and sent on itself (its RecipientRewriteTable
     * forwarding to a remote address; James's {@code SentByMailet}), not mail of an SMTP-authenticated user
     * ({@code SMTPAuthUser}). Mail a client of {@code authorizedAddresses} relays without AUTH is not a copy: not forwarded.
     */
    static boolean isForwarded(Mail mail) {
        return mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent() && mail.getAttribute(Mail.SMTP_AUTH_USER).isEmpty();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (!mail.hasSender()) {
            return; // never the null sender
        }
        if (forwardedOnly && !isForwarded(mail)) {
            return; // scope forwarded: an authenticated user's own mail, or mail relayed for a trusted client
        }
        MailAddress sender = mail.getMaybeSender().get();
        if (!settings.engine().config().alwaysRewrite() && getMailetContext().isLocalServer(sender.getDomain())) {
            return; // our own domains keep their SPF
        }
        if (excluded.contains(sender.getDomain().asString())) {
            return; // excludeDomains: never rewritten
        }
        rewrite(mail, sender, aliasFor(mail), settings, LOGGER, warnedTooLong, metrics);
    }

    /**
     * Rewrites {@code mail}'s sender; whatever happens, the mail goes on (with its own sender when it cannot be
     * rewritten). Shared with {@link SrsReverse}'s {@code reverseandforward}.
     */
    static void rewrite(Mail mail, MailAddress sender, String alias, SrsSettings settings, Logger log, AtomicBoolean warnedTooLong,
                        MetricFactory metrics) {
        String original = sender.asString();
        SrsForwardResult r;
        try {
            r = settings.engine().forward(original, alias, settings.deadline());
        } catch (RuntimeException e) {
            log.warn("SRS forward mail={} srs_orig_sender={} left unrewritten: {}", mail.getName(), settings.safe(original),
                settings.safe(e.getClass().getSimpleName() + ": " + e.getMessage()));
            PackMetrics.count(metrics, FORWARD_COUNTER + ".failed");
            return;
        }
        PackMetrics.count(metrics, PackMetrics.counter(FORWARD_COUNTER, r.outcome() == SrsForwardResult.Outcome.REWRITTEN
            && !acceptable(r.address()) ? "failed" : r.outcome().name().toLowerCase(Locale.ROOT)));
        switch (r.outcome()) {
            case REWRITTEN:
                MailAddress rewritten;
                try {
                    rewritten = new MailAddress(r.address());
                    setSender(mail, rewritten);
                } catch (MessagingException | RuntimeException e) {
                    log.warn("SRS forward mail={} srs_orig_sender={} left unrewritten: '{}' is not an address James accepts ({})",
                        mail.getName(), settings.safe(original), settings.safe(r.address()), settings.safe(e.getMessage()));
                    return;
                }
                mail.setAttribute(new Attribute(SrsAttributes.SRS_ORIG_SENDER, AttributeValue.of(original)));
                r.dbKey().ifPresent(k -> mail.setAttribute(new Attribute(SrsAttributes.SRS_DB_KEY, AttributeValue.of(k))));
                r.dbAddress().ifPresent(k -> mail.setAttribute(new Attribute(SrsAttributes.SRS_DB_ADDRESS, AttributeValue.of(k))));
                // Exim's delivery log element SRS=<address>: one INFO line per rewritten mail
                log.info("SRS forward mail={} srs_orig_sender=<{}> SRS=<{}>", mail.getName(), settings.safe(original), settings.safe(r.address()));
                break;
            case TOO_LONG:
                log.info("SRS forward mail={} srs_orig_sender={} left unrewritten: {}{}", mail.getName(), settings.safe(original),
                    settings.safe(r.error().orElse("")),
                    warnedTooLong == null || warnedTooLong.getAndSet(true) ? "" : " (configure database mode (dburl) to rewrite such senders)");
                break;
            case UNCHANGED:
                break;
            default:
                log.warn("SRS forward mail={} srs_orig_sender={} left unrewritten ({}): {}", mail.getName(), settings.safe(original),
                    r.outcome().name().toLowerCase(Locale.ROOT), settings.safe(r.error().orElse("")));
        }
    }

    /** True when James accepts {@code address} (a rewritten sender that is not is left as it was: counted as failed). */
    private static boolean acceptable(String address) {
        try {
            new MailAddress(address);
            return true;
        } catch (javax.mail.internet.AddressException | RuntimeException e) {
            return false;
        }
    }

    static void setSender(Mail mail, MailAddress sender) throws MessagingException {
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setSender(sender);
            return;
        }
        try {
            mail.getClass().getMethod("setSender", MailAddress.class).invoke(mail, sender);
        } catch (ReflectiveOperationException e) {
            throw new MessagingException("SrsForward: cannot change the sender of a " + mail.getClass().getName(), e);
        }
    }

    /** Stops the SRS database mode's worker threads. */
    @Override
    public void destroy() {
        if (settings != null) {
            settings.close();
        }
        if (aliasLookup != null) {
            aliasLookup.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "SrsForward (James Exim Pack)";
    }
}
