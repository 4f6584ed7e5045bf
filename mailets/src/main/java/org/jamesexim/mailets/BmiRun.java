package org.jamesexim.mailets;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.bmi.BmiActionTable;
import org.jamesexim.bmi.BmiEngine;
import org.jamesexim.bmi.BmiEngineException;
import org.jamesexim.bmi.BmiMessage;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiVerdict;
import org.jamesexim.bmi.BmiVerdicts;
import org.jamesexim.bmi.RspamdEngine;
import org.jamesexim.common.Endpoint;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.mime.MimeBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exim's {@code control = bmi_run}: scans the mail once for all its recipients and stores one verdict per opt-in
 * profile in {@code jexim.bmi_verdicts} ({@link BmiAttributes#BMI_VERDICTS}); the {@code org.jamesexim.matchers.Bmi*}
 * matchers then route each recipient by its own verdict. The engine is Rspamd ({@code /checkv2}); recipients with the
 * same opt-in profile ({@code jexim.bmi_optin}, see {@link BmiOptinLookup}) share one request, sent with
 * {@code Settings-ID: <profile>}. A mail that already carries verdicts is not scanned again.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.BmiRun">
 *     <endpoint>127.0.0.1 11333</endpoint>        <!-- Rspamd normal worker or proxy: "host port" or /unix/socket -->
 *     <connect_timeout>2s</connect_timeout>       <!-- default 2s -->
 *     <timeout>10s</timeout>                      <!-- whole request, default 10s; keep above Rspamd's task_timeout -->
 *     <scan_timeout>30s</scan_timeout>            <!-- whole scan of one mail (all its requests), default 30s -->
 *     <actions>no action = default, greylist = default, add header = alternate:Junk, rewrite subject = alternate:Junk,
 *              quarantine = alternate:Junk, reject = dont_deliver, discard = dont_deliver, soft reject = tempfail,
 *              * = default</actions>              <!-- the default; also score>=N = <outcome> -->
 *     <rule_ids>BMI_TEST_MARKER=5, GTUBE=11</rule_ids> <!-- optional: numbers for BmiRule=5:8:11 -->
 *     <on_error>fail_open</on_error>              <!-- fail_open (default) | fail_closed -->
 *     <retry_delay>5m</retry_delay>               <!-- fail_closed: wait before scanning again, default 5m -->
 *     <retry_max>5</retry_max>                    <!-- fail_closed: retries before error_processor, default 5 -->
 *     <error_processor>error</error_processor>    <!-- fail_closed: where the mail goes after retry_max, default error -->
 *     <processor>transport</processor>            <!-- optional: hand the mail on, split into one copy per verdict -->
 *     <strip_headers>X-Brightmail-Verdict, X-Brightmail-Tracker</strip_headers> <!-- the default; removed on arrival -->
 *     <path>/checkv2</path>                       <!-- the default: Rspamd's scan URL path -->
 * </mailet>
 * }</pre>
 *
 * <p><b>What comes from outside.</b> The verdict headers ({@code strip_headers}, by default BmiAddHeaders' two
 * names) are removed from every mail this mailet sees, whether the scan works or not, so a sender cannot pass off
 * its own verdict as ours. One scan ends by one deadline ({@code scan_timeout}), whatever Rspamd does.</p>
 *
 * <p><b>Failures.</b> Rspamd down, slow (past {@code timeout}), answering garbage or {@code soft reject}:
 * with {@code fail_open} (Exim's behaviour) the mail gets no verdicts, so every recipient is delivered normally;
 * the reason is logged (WARN) and stored in {@code jexim.bmi_error}. With {@code fail_closed} the mail is put back in
 * the spool to be scanned again after {@code retry_delay} ({@code jexim.bmi_retries} counts), and after
 * {@code retry_max} retries it goes to {@code error_processor}. No path drops the mail.</p>
 *
 * <p><b>Verdict inheritance.</b> With {@code processor} set, the mail is split into one copy per verdict (recipients
 * without a verdict form their own copy) and each copy carries its verdict in {@code jexim.bmi_inherited_verdict},
 * so addresses that aliasing or forwarding produce later keep the verdict of the address they came from. Without
 * {@code processor}, the mail continues in this processor; the verdict is bound only when all recipients share
 * one. A forward to a remote address comes back here: James's {@code RecipientRewriteTable} sends it as a
 * {@code Mail.duplicate()} (attributes kept) to root; such a copy is not scanned again and keeps the verdict bound
 * on it, so its remote recipients inherit it too. A bounce (null sender; James's {@code DSNBounce} copies the
 * attributes as well) inherits nothing: it is a new message, as in Exim.</p>
 *
 * <p><b>{@code $bmi_deliver}.</b> Each mail copy handed on carries {@code jexim.bmi_deliver}
 * ({@link BmiAttributes#BMI_DELIVER}): its own recipients' values, {@code 0} or {@code 1}, and no other
 * recipient's. The {@code BmiDeliver} matcher routes by the same value.</p>
 *
 * <p><b>Metrics</b> (docs/bmi.md): the timer {@code jexim.bmi.rspamd} around each scan (all its requests), the
 * counter {@code jexim.bmi_verdicts.<outcome>} per verdict of a scan ({@code default}, {@code alternate},
 * {@code dont_deliver}), and {@code jexim.bmi_error.<on_error>} per failed scan ({@code fail_open},
 * {@code fail_closed}).</p>
 */
public class BmiRun extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(BmiRun.class);

    /** The two failure policies ({@code on_error}). */
    public enum OnError { FAIL_OPEN, FAIL_CLOSED }

    public static final Param<Endpoint> ENDPOINT = Param.endpoint("endpoint", "127.0.0.1 11333");
    public static final Param<Duration> CONNECT_TIMEOUT = Param.duration("connect_timeout", "2s");
    public static final Param<Duration> TIMEOUT = Param.duration("timeout", "10s");
    public static final Param<Duration> SCAN_TIMEOUT = Param.duration("scan_timeout", "30s");
    public static final Param<List<String>> STRIP_HEADERS = Param.list("strip_headers", "X-Brightmail-Verdict, X-Brightmail-Tracker",
        Param.COMMAS_BLANKS).check(BmiRun::headerName).emptyMeansNone();
    public static final Param<BmiActionTable> ACTIONS = Param.custom("actions", BmiActionTable.DEFAULT_TABLE, BmiActionTable::parse);
    public static final Param<Map<String, Integer>> RULE_IDS = Param.custom("rule_ids", null, RspamdEngine.Builder::parseRuleIds);
    public static final Param<String> PATH = Param.text("path", "/checkv2").check(p -> {
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("must start with /");
        }
        return p;
    });
    public static final Param<String> ON_ERROR = Param.choice("on_error", "fail_open", "fail_open", "fail_closed");
    public static final Param<Duration> RETRY_DELAY = Param.duration("retry_delay", "5m");
    public static final Param<Integer> RETRY_MAX = Param.integer("retry_max", 5, 0, Integer.MAX_VALUE);
    public static final Param<String> ERROR_PROCESSOR = Param.text("error_processor", Mail.ERROR);
    public static final Param<String> PROCESSOR = Param.text("processor", null);
    /** Every parameter BmiRun reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(ENDPOINT, CONNECT_TIMEOUT, TIMEOUT, SCAN_TIMEOUT, STRIP_HEADERS, ACTIONS,
        RULE_IDS, PATH, ON_ERROR, RETRY_DELAY, RETRY_MAX, ERROR_PROCESSOR, PROCESSOR);

    /** The timer of each scan, all its requests to Rspamd, failed and timed-out ones included. */
    public static final String RSPAMD_TIMER = "jexim.bmi.rspamd";

    private final MailQueueFactory<?> queues;
    private final MetricFactory metrics;
    private MailQueue spool;
    private BmiEngine engine;
    private OnError onError;
    private Duration retryDelay;
    private int retryMax;
    private String errorProcessor;
    private String processor;
    private List<String> stripHeaders;

    /**
     * James injects its queues: copies and retries are put straight into the spool, so they do not carry the
     * "sent by mailet" mark that {@code MailetContext.sendMail} adds (which would send them to the relay processor
     * in the usual transport).
     */
    @Inject
    public BmiRun(MailQueueFactory<?> queues, MetricFactory metrics) {
        this.queues = queues;
        this.metrics = metrics;
    }

    /** Without James's metrics. */
    public BmiRun(MailQueueFactory<?> queues) {
        this(queues, PackMetrics.NONE);
    }

    /** Without James's queues (unit tests): copies and retries go through {@code MailetContext.sendMail}. */
    public BmiRun() {
        this(null, PackMetrics.NONE);
    }

    /** Without James's queues, reporting to {@code metrics} (unit tests). */
    public BmiRun(MetricFactory metrics) {
        this(null, metrics);
    }

    @Override
    public void init() throws MessagingException {
        if (queues != null) {
            // the same call James's RemoteDelivery uses: returns the spool, creating it if the spooler has not yet
            spool = queues.createQueue(MailQueueFactory.SPOOL);
        }
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiRun.class, "");
        stripHeaders = values.get(STRIP_HEADERS);
        onError = OnError.valueOf(values.get(ON_ERROR).toUpperCase(Locale.ROOT));
        retryDelay = values.get(RETRY_DELAY);
        retryMax = values.get(RETRY_MAX);
        errorProcessor = values.get(ERROR_PROCESSOR);
        processor = values.get(PROCESSOR);
        Map<String, Integer> ruleIds = values.get(RULE_IDS);
        engine = RspamdEngine.builder(values.get(ENDPOINT)).connectTimeout(values.get(CONNECT_TIMEOUT)).timeout(values.get(TIMEOUT))
            .scanTimeout(values.get(SCAN_TIMEOUT)).path(values.get(PATH)).actions(values.get(ACTIONS))
            .ruleIds(ruleIds == null ? Map.of() : ruleIds).build();
    }

    /** A header field name (printable ASCII but the colon). */
    static String headerName(String n) {
        if (!n.matches("[!-9;-~]+")) {
            throw new IllegalArgumentException("not a header field name: '" + n + "'");
        }
        return n;
    }

    /** Every processor this mailet may send mail to. */
    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        List<ProcessingState> states = new ArrayList<>();
        if (onError == OnError.FAIL_CLOSED) {
            states.add(new ProcessingState(errorProcessor));
        }
        if (processor != null) {
            states.add(new ProcessingState(processor));
        }
        return states;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        stripForged(mail);
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        if (mail.getAttribute(BmiAttributes.BMI_VERDICTS).isPresent()) {
            handOn(mail, BmiAttributes.verdicts(mail));
            return;
        }
        BmiVerdicts verdicts;
        try {
            BmiMessage message = toMessage(mail);
            verdicts = PackMetrics.time(metrics, RSPAMD_TIMER, () -> engine.scan(message));
        } catch (BmiEngineException e) {
            PackMetrics.count(metrics, BmiAttributes.BMI_ERROR, onError.name().toLowerCase(Locale.ROOT));
            onFailure(mail, e.getMessage());
            return;
        }
        for (BmiVerdict v : verdicts.verdicts()) {
            PackMetrics.count(metrics, BmiAttributes.BMI_VERDICTS, v.outcome().word());
        }
        mail.removeAttribute(BmiAttributes.BMI_ERROR);
        mail.setAttribute(new Attribute(BmiAttributes.BMI_VERDICTS, AttributeValue.of(verdicts.encode())));
        LOGGER.info("bmi scan of {}: {} verdicts for {} recipients", mail.getName(), verdicts.verdicts().size(), mail.getRecipients().size());
        handOn(mail, verdicts);
    }

    /** Removes verdict headers that came with the mail: only ours (BmiAddHeaders, later) may carry a verdict. */
    private void stripForged(Mail mail) throws MessagingException {
        if (stripHeaders.isEmpty()) {
            return;
        }
        javax.mail.internet.MimeMessage message = mail.getMessage();
        boolean changed = false;
        for (String name : stripHeaders) {
            if (message.getHeader(name) != null) {
                message.removeHeader(name);
                changed = true;
            }
        }
        if (changed) {
            MimeBytes.saveHeaderChanges(mail);
            LOGGER.info("bmi: removed verdict headers {} that came with mail {}", stripHeaders, mail.getName());
        }
    }

    private BmiMessage toMessage(Mail mail) throws MessagingException {
        Map<String, BmiOptin> optins = BmiAttributes.optins(mail);
        BmiMessage.Builder b = BmiMessage.builder()
            .clientIp(mail.getRemoteAddr())
            .clientHostname(mail.getRemoteHost() == null || mail.getRemoteHost().equals(mail.getRemoteAddr()) ? null : mail.getRemoteHost())
            .helo(attribute(mail, Mail.SMTP_HELO))
            .sender(mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(""))
            .queueId(mail.getName())
            .authenticatedUser(attribute(mail, Mail.SMTP_AUTH_USER));
        for (MailAddress rcpt : mail.getRecipients()) {
            b.recipient(rcpt.asString(), optins.getOrDefault(rcpt.asString().toLowerCase(Locale.ROOT), BmiOptin.none()));
        }
        try {
            return b.content(MimeBytes.of(mail.getMessage())).build();
        } catch (IOException e) {
            throw new MessagingException("cannot read the message of " + mail.getName() + " for the bmi scan", e);
        }
    }

    private static String attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> String.valueOf(a.getValue().value())).orElse(null);
    }

    private void onFailure(Mail mail, String reason) throws MessagingException {
        mail.setAttribute(new Attribute(BmiAttributes.BMI_ERROR, AttributeValue.of(reason)));
        if (onError == OnError.FAIL_OPEN) {
            LOGGER.warn("bmi scan of {} failed, delivering normally (on_error=fail_open): {}", mail.getName(), reason);
            handOn(mail, BmiVerdicts.empty());
            return;
        }
        int retries = mail.getAttribute(BmiAttributes.BMI_RETRIES)
            .map(a -> a.getValue().value())
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0);
        if (retries >= retryMax) {
            LOGGER.error("bmi scan of {} failed after {} retries, sending it to processor {} (on_error=fail_closed): {}",
                mail.getName(), retries, errorProcessor, reason);
            mail.setErrorMessage("bmi scan failed after " + retries + " retries: " + reason);
            mail.setState(errorProcessor);
            return;
        }
        Mail retry = mail.duplicate();
        retry.setAttribute(new Attribute(BmiAttributes.BMI_RETRIES, AttributeValue.of(retries + 1)));
        enqueue(retry, Mail.DEFAULT, retryDelay);
        LOGGER.warn("bmi scan of {} failed, retry {} of {} in {} ms as {} (on_error=fail_closed): {}",
            mail.getName(), retries + 1, retryMax, retryDelay.toMillis(), retry.getName(), reason);
        mail.setState(Mail.GHOST);
    }

    /** Binds verdicts for inheritance and, with {@code processor}, splits the mail into one copy per verdict. */
    private void handOn(Mail mail, BmiVerdicts verdicts) throws MessagingException {
        if (mail.getAttribute(BmiAttributes.BMI_VERDICTS).isPresent() && mail.getAttribute(BmiAttributes.BMI_INHERITED_VERDICT).isPresent()
            && !mail.getMaybeSender().isNullSender()) {
            // a copy this mailet already handed on, back in this processor: James's RecipientRewriteTable sends a
            // forward to a remote address as Mail.duplicate() (attributes kept) through MailetContext.sendMail, i.e.
            // to root again. Its new recipients keep the verdict they inherited, as Exim's top-level ancestor lookup.
            // Not a bounce (null sender): DSNBounce also copies the attributes, but a bounce is a new message that
            // Exim never scans, so it is bound below by its own recipients like any mail.
            BmiAttributes.setDeliver(mail);
            if (processor != null) {
                mail.setState(processor);
            }
            return;
        }
        Map<String, List<MailAddress>> groups = new LinkedHashMap<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            String key = verdicts.forAddress(rcpt.asString()).map(BmiVerdict::base64).orElse("");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(rcpt);
        }
        if (groups.size() == 1) {
            mail.setAttribute(new Attribute(BmiAttributes.BMI_INHERITED_VERDICT, AttributeValue.of(groups.keySet().iterator().next())));
            BmiAttributes.setDeliver(mail);
            if (processor != null) {
                mail.setState(processor);
            }
            return;
        }
        if (processor == null) {
            BmiAttributes.setDeliver(mail);
            return;
        }
        List<Map.Entry<String, List<MailAddress>>> list = new ArrayList<>(groups.entrySet());
        List<MailAddress> remaining = new ArrayList<>(mail.getRecipients());
        for (Map.Entry<String, List<MailAddress>> group : list.subList(1, list.size())) {
            Mail copy = mail.duplicate();
            copy.setRecipients(group.getValue());
            copy.setAttribute(new Attribute(BmiAttributes.BMI_INHERITED_VERDICT, AttributeValue.of(group.getKey())));
            BmiAttributes.setDeliver(copy);
            enqueue(copy, processor, Duration.ZERO);
            // the recipients now travel in the copy; if a later send fails the original still holds the rest
            remaining.removeAll(group.getValue());
            mail.setRecipients(remaining);
        }
        mail.setAttribute(new Attribute(BmiAttributes.BMI_INHERITED_VERDICT, AttributeValue.of(list.get(0).getKey())));
        BmiAttributes.setDeliver(mail);
        mail.setState(processor);
    }

    private void enqueue(Mail mail, String state, Duration delay) throws MessagingException {
        if (spool == null) {
            getMailetContext().sendMail(mail, state, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        mail.setState(state);
        spool.enQueue(mail, delay);
    }

    @Override
    public void destroy() {
        if (engine instanceof AutoCloseable) {
            try {
                ((AutoCloseable) engine).close();
            } catch (Exception ignored) {
                // nothing to release beyond the watchdog thread
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiRun (James Exim Pack): per-recipient BMI verdicts from Rspamd";
    }
}
