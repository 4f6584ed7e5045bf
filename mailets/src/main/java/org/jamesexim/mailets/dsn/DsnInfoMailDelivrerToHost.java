package org.jamesexim.mailets.dsn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.transport.mailets.remote.delivery.ExecutionResult;
import org.apache.james.transport.mailets.remote.delivery.MailDelivrerToHost;
import org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.HostAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.jamesexim.dsn.ProtocolSteps;
import org.jamesexim.dsn.SmtpFailure;
import org.jamesexim.mailets.DsnInfoRemoteDelivery;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;

/**
 * James's delivery to one host, run with {@link DsnInfoProviderLoader} as context class loader so that the
 * transport is a {@link DsnInfoSmtpTransport}; afterwards what the host said is written on the mail as the
 * {@code jexim.*} attributes of {@link DsnInfoRemoteDelivery} (replacing those of any earlier attempt).
 *
 * <p>Metrics (docs/dsn-protocol-detail.md): the timer {@code jexim.dsn_info.host} per attempt to one host, the counter
 * {@code jexim.smtp_failed_command.<verb>} per failed recipient recorded (the verb of the command the host refused:
 * {@code RCPT}, {@code MAIL}, {@code DATA}, ..., {@code initial_connection} for a refusing greeting), and
 * {@code jexim.dsn_info.attempt_timeout} per attempt cut at {@code attemptTimeout}.</p>
 */
public class DsnInfoMailDelivrerToHost extends MailDelivrerToHost {
    private static final Logger LOGGER = LoggerFactory.getLogger(DsnInfoMailDelivrerToHost.class);

    private final DsnInfoProviderLoader loader;
    private final java.time.Duration attemptTimeout;
    private final java.util.concurrent.ScheduledExecutorService watchdog;
    private final MetricFactory metrics;
    private volatile boolean warnedTransport;

    /** The timer of each attempt to one host (connect to the end of the transaction or the failure). */
    public static final String HOST_TIMER = "jexim.dsn_info.host";
    /** The counter of attempts cut at {@code attemptTimeout}. */
    public static final String ATTEMPT_TIMEOUT = "jexim.dsn_info.attempt_timeout";

    /**
     * @param attemptTimeout the longest one attempt to one host may take, whatever the server does
     * @param watchdog       closes the connection of an attempt at its deadline
     */
    public DsnInfoMailDelivrerToHost(RemoteDeliveryConfiguration configuration, MailetContext mailetContext, java.time.Duration attemptTimeout,
                              java.util.concurrent.ScheduledExecutorService watchdog) {
        this(configuration, mailetContext, attemptTimeout, watchdog, PackMetrics.NONE);
    }

    /** As the other constructor, reporting to James's {@code metrics}. */
    public DsnInfoMailDelivrerToHost(RemoteDeliveryConfiguration configuration, MailetContext mailetContext, java.time.Duration attemptTimeout,
                              java.util.concurrent.ScheduledExecutorService watchdog, MetricFactory metrics) {
        super(configuration, mailetContext);
        this.loader = new DsnInfoProviderLoader(DsnInfoMailDelivrerToHost.class.getClassLoader());
        this.attemptTimeout = attemptTimeout;
        this.watchdog = watchdog;
        this.metrics = metrics;
    }

    @Override
    public ExecutionResult tryDeliveryToHost(Mail mail, Collection<InternetAddress> addr, HostAddress outgoingMailServer)
            throws MessagingException {
        DsnInfoRemoteDelivery.ATTRIBUTES.forEach(mail::removeAttribute);
        DsnInfoRecording recording = new DsnInfoRecording(System.nanoTime() + attemptTimeout.toNanos());
        java.util.concurrent.ScheduledFuture<?> guard = watchdog.schedule(recording::expire, attemptTimeout.toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        recording.bind();
        org.apache.james.metrics.api.TimeMetric timer = metrics.timer(HOST_TIMER);
        boolean delivered = false;
        try {
            ExecutionResult result = super.tryDeliveryToHost(mail, addr, outgoingMailServer);
            delivered = result.getExecutionState() == ExecutionResult.ExecutionState.SUCCESS;
            return result;
        } catch (MessagingException e) {
            recordFailures(recording, e, addr);
            recording.failures().values().forEach(f -> PackMetrics.count(metrics,
                PackMetrics.counter(DsnInfoRemoteDelivery.SMTP_FAILED_COMMAND.asString(), verb(f.command()))));
            if (recording.expired()) {
                PackMetrics.count(metrics, ATTEMPT_TIMEOUT);
                LOGGER.warn("delivery of {} to {} cut at its attemptTimeout of {} ms", mail.getName(), outgoingMailServer.getHost(),
                    attemptTimeout.toMillis());
            }
            throw e;
        } finally {
            timer.stopAndPublish();
            guard.cancel(false);
            recording.unbind();
            thread.setContextClassLoader(previous);
            write(mail, recording, outgoingMailServer);
            logDelivery(mail, recording, addr, outgoingMailServer, delivered);
        }
    }

    /**
     * One INFO line per outcome of this attempt, in the shape of Exim's delivery lines with its {@code PS=}
     * (docs/dsn-protocol-detail.md): {@code =>} the recipients the host took, {@code **} those it refused for good
     * (5xx), {@code ==} those deferred. Nothing when the host never greeted (Exim logs no host then either).
     */
    private static void logDelivery(Mail mail, DsnInfoRecording recording, Collection<InternetAddress> addr, HostAddress host, boolean delivered) {
        if (!recording.wasTransportUsed() || recording.greeting() == null) {
            return;
        }
        List<String> ok = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> deferred = new ArrayList<>();
        for (InternetAddress a : addr) {
            SmtpFailure f = recording.failures().get(a.getAddress());
            if (f != null) {
                (f.reply().startsWith("5") ? refused : deferred).add(a.getAddress());
            } else {
                (delivered ? ok : deferred).add(a.getAddress());
            }
        }
        String ps = recording.protocolSteps();
        logLine(mail, "=>", ok, host, ps);
        logLine(mail, "**", refused, host, ps);
        logLine(mail, "==", deferred, host, ps);
    }

    private static void logLine(Mail mail, String kind, List<String> rcpts, HostAddress host, String ps) {
        if (!rcpts.isEmpty()) {
            LOGGER.info("delivery mail={} {}", mail.getName(), ProtocolSteps.line(kind, rcpts, host.getHostName(), host.getHost(), port(host), ps));
        }
    }

    /** The verb of a refused command for its counter: {@code RCPT}, {@code DATA}, ..., {@code initial_connection}. */
    static String verb(String command) {
        if (SmtpFailure.INITIAL_CONNECTION.equals(command)) {
            return "initial_connection";
        }
        String t = command.trim();
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    /** Per recipient: its own RCPT error, else the error that ended the whole transaction. */
    private static void recordFailures(DsnInfoRecording recording, MessagingException top, Collection<InternetAddress> addr) {
        SmtpFailure transactionFailure = null;
        for (Exception e = top; e != null; e = e instanceof MessagingException ? ((MessagingException) e).getNextException() : null) {
            if (e instanceof SMTPAddressFailedException) {
                SMTPAddressFailedException a = (SMTPAddressFailedException) e;
                recording.failure(a.getAddress().getAddress(), SmtpFailure.of(a.getCommand(), a.getMessage()));
            } else if (e instanceof SMTPSendFailedException && transactionFailure == null) {
                SMTPSendFailedException s = (SMTPSendFailedException) e;
                // a RCPT summary carries no reply of its own: the per-address exceptions chained to it do
                if (s.getCommand() != null && !s.getCommand().toUpperCase(Locale.ROOT).startsWith("RCPT")) {
                    transactionFailure = SmtpFailure.of(s.getCommand(), s.getMessage());
                }
            }
        }
        if (transactionFailure == null && recording.greeting() != null && recording.heloResponse() == null
            && !recording.greeting().startsWith("2")) {
            transactionFailure = SmtpFailure.of(SmtpFailure.INITIAL_CONNECTION, recording.greeting());
        } else if (transactionFailure == null && recording.failures().isEmpty() && recording.lastCommand() != null
            && recording.lastReply() != null && !recording.lastReply().startsWith("2") && !recording.lastReply().startsWith("3")) {
            transactionFailure = SmtpFailure.of(recording.lastCommand(), recording.lastReply());
        }
        if (transactionFailure != null) {
            for (InternetAddress a : addr) {
                recording.failure(a.getAddress(), transactionFailure);
            }
        }
    }

    private void write(Mail mail, DsnInfoRecording recording, HostAddress host) {
        if (!recording.wasTransportUsed()) {
            if (!warnedTransport) {
                warnedTransport = true;
                LOGGER.warn("javax.mail did not use {} for {}: no DSN extra information is recorded",
                    DsnInfoSmtpTransport.class.getName(), host.getHost());
            }
            return;
        }
        if (recording.greeting() == null) {
            return; // never connected: no remote MTA to report (as Exim)
        }
        if (host.getHostName() != null) {
            mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.HOST, AttributeValue.of(host.getHostName())));
        }
        mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.HOST_ADDRESS, AttributeValue.of(host.getHost())));
        mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.HOST_PORT, AttributeValue.of(port(host))));
        mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.SMTP_GREETING, AttributeValue.of(recording.greeting())));
        if (recording.heloResponse() != null) {
            mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.HELO_RESPONSE, AttributeValue.of(recording.heloResponse())));
        }
        if (!recording.failures().isEmpty()) {
            Map<String, AttributeValue<?>> commands = new LinkedHashMap<>();
            Map<String, AttributeValue<?>> replies = new LinkedHashMap<>();
            recording.failures().forEach((rcpt, f) -> {
                commands.put(rcpt, AttributeValue.of(f.command()));
                replies.put(rcpt, AttributeValue.of(f.reply()));
            });
            mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.SMTP_FAILED_COMMAND, AttributeValue.of(commands)));
            mail.setAttribute(new Attribute(DsnInfoRemoteDelivery.SMTP_FAILED_REPLY, AttributeValue.of(replies)));
        }
    }

    private static int port(HostAddress host) {
        if (host.getPort() > 0) {
            return host.getPort();
        }
        return "smtps".equalsIgnoreCase(host.getProtocol()) ? 465 : 25;
    }
}
