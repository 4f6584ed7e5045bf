package org.jamesexim.mailets;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.lookup.Deadline;
import org.jamesexim.common.lookup.FileLookup;
import org.jamesexim.common.lookup.FileTable;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupParams;
import org.jamesexim.common.lookup.LookupResult;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.bmi.BmiOptin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exim's {@code bmi_optin = ${lookup{$local_part@$domain}lsearch{/etc/exim/bmi_optin_data}}}: looks each recipient
 * up in the lookup {@code optinLookup} ({@link LookupParams}, the pack's one lookup grammar, docs/configuration.md
 * "Lookups") and stores the profiles found in {@code jexim.bmi_optin} ({@link BmiAttributes#BMI_OPTIN}) for
 * {@link BmiRun}. The key is the recipient address in lower case; the value is the profile {@code OPT1:OPT2} (a value
 * shorter than 2 characters means no profile, as in Exim).
 *
 * <p>A file ({@code optinLookup} = {@code file://conf/...} or an absolute path; {@code file}, its old name, is still
 * read, with a deprecation WARN): lines of {@code user@domain: OPT1:OPT2} ({@link FileTable}'s format), keys
 * case-insensitive, {@code *@domain} and {@code *} lines (any {@code *suffix}) give defaults. It is read at init (a
 * missing or malformed file, or a bad opt-in string, stops James from starting, naming the parameter, file and line)
 * and again when it changes, looked at every {@code reloadInterval} (default 5s; {@link FileLookup}): the new table
 * replaces the old one in one step, a changed file that cannot be read or is malformed keeps the table in use (one
 * WARN), each read is logged at INFO with the number of entries.</p>
 *
 * <p>A database ({@code optinLookup} = a {@code jdbc:} URL, {@code optinLookupQuery} a SELECT with {@code $key}, bound,
 * never pasted): the first column of the first row is the profile; no row or NULL is no profile; a value that is not a
 * profile is no profile (WARN). Each query waits at most {@code optinLookupTimeout} (2s) and all the recipients of one
 * mail together at most {@code optinLookupDeadline} (5s).</p>
 *
 * <p>A lookup that fails for now (database down, slow or refusing the login; the deadline passed) never loses the
 * mail and never refuses it: the recipient, and the mail's recipients after it (not tried: each would wait too), are
 * left <em>without opt-in</em>, as {@link BmiRun}'s default {@code on_error=fail_open} delivers a mail whose scan
 * failed: BmiRun then scans them with the default profile (no {@code Settings-ID}), the mail goes on, one WARN names the mail, how many recipients
 * failed and why (never a password), and {@code jexim.bmi_optin_error} ({@link #BMI_OPTIN_ERROR}) holds that reason,
 * so that a matcher ({@code HasMailAttribute=jexim.bmi_optin_error}) can send the mail elsewhere (to a processor that
 * waits and tries again) where opting out of the opt-in scan is not acceptable. Put it before {@link BmiRun}. Since
 * the lookup runs on accepted recipients only, an opt-in cannot leak from a refused RCPT to the next one (Exim's
 * quirk).</p>
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.BmiOptinLookup">
 *     <optinLookup>file://conf/bmi_optin.txt</optinLookup> <!-- file://conf/... is relative to James's home; or an absolute path -->
 *     <reloadInterval>5s</reloadInterval>      <!-- how often the file is looked at for changes; 0s: on every mail -->
 * </mailet>
 * <mailet match="All" class="org.jamesexim.mailets.BmiOptinLookup">
 *     <optinLookup>jdbc:postgresql://db.example/mail</optinLookup>
 *     <optinLookupQuery>SELECT profile FROM bmi_optin WHERE address = $key</optinLookupQuery>
 *     <optinLookupUser>james</optinLookupUser>
 *     <optinLookupPasswordFile>file://conf/optin-db.password</optinLookupPasswordFile> <!-- mode 0600; or ...Env, ...Property -->
 *     <optinLookupDriver>org.postgresql.Driver</optinLookupDriver> <!-- only when the URL does not find the driver -->
 *     <optinLookupTimeout>2s</optinLookupTimeout>   <!-- per query, connecting included -->
 *     <optinLookupConnections>4</optinLookupConnections> <!-- queries at a time; more fail at once -->
 *     <optinLookupDeadline>5s</optinLookupDeadline> <!-- all recipients of one mail -->
 * </mailet>
 * }</pre>
 */
public class BmiOptinLookup extends GenericMailet {
    /** {@code optinLookup} and its companions ({@code optinLookupQuery}, ...); {@code file} is its old name. */
    public static final LookupParams OPTIN_LOOKUP = LookupParams.of("optin", "file");
    /** {@code reloadInterval}: how often a lookup file is looked at for changes (0: on every mail), at most 1h. */
    public static final Param<Duration> RELOAD_INTERVAL = Param.duration("reloadInterval", "5s").allowZero().atMost("1h");
    /** Every parameter BmiOptinLookup reads. */
    public static final ParamSet PARAMETERS = OPTIN_LOOKUP.params().with(RELOAD_INTERVAL);
    /** The largest opt-in file read. */
    public static final int MAX_FILE_OCTETS = FileTable.MAX_FILE_OCTETS;
    /** Why the opt-in of some recipients could not be looked up (a temporary failure): they are left without opt-in. */
    public static final AttributeName BMI_OPTIN_ERROR = AttributeName.of("jexim.bmi_optin_error");
    private static final Logger LOGGER = LoggerFactory.getLogger(BmiOptinLookup.class);

    private final FileSystem fileSystem;
    private Lookup lookup;

    @Inject
    public BmiOptinLookup(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues v = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiOptinLookup.class, "");
        Lookup l;
        try {
            l = OPTIN_LOOKUP.open(v, this::path, System::getenv, v.get(RELOAD_INTERVAL), BmiOptinLookup::problem,
                m -> LOGGER.info("BMI {}", m), m -> LOGGER.warn("BMI {}", m));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        if (l == null) {
            throw new MessagingException(OPTIN_LOOKUP.lookup().name() + ": required (e.g. file://conf/bmi_optin.txt, or a jdbc: URL with "
                + OPTIN_LOOKUP.query().name() + ")");
        }
        lookup = l;
    }

    /** James's {@code file://conf/...} forms through its FileSystem; an absolute path as it is. */
    private Path path(String name) {
        if (name.contains("://") || name.startsWith("classpath:")) {
            try {
                return fileSystem.getFile(name).toPath();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot resolve " + name + ": " + e.getClass().getSimpleName());
            }
        }
        return Path.of(name.startsWith("file:") ? name.substring("file:".length()) : name);
    }

    /** Null when {@code value} is an opt-in profile ({@link BmiOptin#parse}), else why not. */
    private static String problem(String value) {
        try {
            BmiOptin.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public void service(Mail mail) {
        Deadline deadline = lookup.deadline();
        Map<String, BmiOptin> found = new LinkedHashMap<>();
        int failed = 0;
        String why = null;
        for (MailAddress rcpt : mail.getRecipients()) {
            if (why != null) {
                failed++; // the lookup failed for this mail: the others are not tried (each would wait too)
                continue;
            }
            String key = rcpt.asString().toLowerCase(Locale.ROOT);
            LookupResult r = lookup.find(key, deadline);
            if (r.failed()) {
                failed++;
                why = r.detail();
                continue;
            }
            if (r.kind() == LookupResult.Kind.NOT_FOUND && !r.detail().isEmpty()) {
                LOGGER.warn("BMI {}: no opt-in for a recipient of {}: {}", LogText.escape(lookup.describe(), 256),
                    LogText.escape(mail.getName(), 256), LogText.escape(r.detail(), 256));
            }
            BmiOptin optin = r.value().map(BmiOptin::parse).orElse(BmiOptin.none());
            if (!optin.isEmpty()) {
                found.put(key, optin);
            }
        }
        if (!found.isEmpty()) {
            BmiAttributes.setOptins(mail, found);
        }
        if (failed > 0) {
            String reason = LogText.escape(why, 256);
            mail.setAttribute(new Attribute(BMI_OPTIN_ERROR, AttributeValue.of(reason)));
            LOGGER.warn("BMI opt-in lookup failed for {} of {} recipients of {}, left without opt-in (temporary): {}", failed,
                mail.getRecipients().size(), LogText.escape(mail.getName(), 256), reason);
        }
    }

    @Override
    public void destroy() {
        if (lookup != null) {
            lookup.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiOptinLookup (James Exim Pack)";
    }
}
