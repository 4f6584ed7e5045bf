package org.jamesexim.mailets;

import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRunnable;
import org.apache.james.transport.mailets.remote.delivery.MailDelivrer;
import org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration;
import org.apache.mailet.AttributeName;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.dsn.DsnInfoMailDelivrerToHost;
import org.jamesexim.mailets.dsn.DsnInfoSmtpTransport;
import org.jamesexim.mailets.james.JamesInternals;

/**
 * James's {@code RemoteDelivery}, with every parameter and behaviour of it, that also records what the remote
 * server said (Exim's DSN extra information): the host name, address and port connected to, its greeting, its
 * EHLO/HELO reply and, per failed recipient, the command refused and the reply. {@link DsnInfoBounce} turns them
 * into the fields of the bounce.
 *
 * <pre>{@code
 * <processor state="relay" enableJmx="false">
 *   <mailet match="All" class="org.jamesexim.mailets.DsnInfoRemoteDelivery">
 *     <outgoing>outgoing</outgoing>
 *     <delayTime>5000, 100000, 500000</delayTime>
 *     <maxRetries>3</maxRetries>
 *     <maxDnsProblemRetries>0</maxDnsProblemRetries>
 *     <deliveryThreads>4</deliveryThreads>
 *     <sendpartial>true</sendpartial>
 *     <!-- required: the bounce mailet reads the recorded attributes there -->
 *     <bounceProcessor>bounces</bounceProcessor>
 *     <!-- ours: the longest one attempt to one host may take (connect to end of data), default 10m -->
 *     <attemptTimeout>10m</attemptTimeout>
 *   </mailet>
 * </processor>
 * <processor state="bounces" enableJmx="false">
 *   <mailet match="All" class="org.jamesexim.mailets.DsnInfoBounce">
 *     <dsnInfo>true</dsnInfo>
 *   </mailet>
 * </processor>
 * }</pre>
 *
 * <p>How: James's own delivery classes run unchanged; only the per-host step is ours
 * ({@link DsnInfoMailDelivrerToHost}), put in place of James's before the delivery threads start. It runs the
 * delivery with a context class loader that makes javax.mail use {@link DsnInfoSmtpTransport}, which works from
 * {@code extensions-jars/} and affects no other javax.mail session. Attributes are replaced at each attempt, so
 * they describe the last host tried; an attempt that never got a greeting (connection refused, timeout) leaves
 * none.</p>
 *
 * <p><b>What a remote server can do.</b> Each reply it sends is read through {@link org.jamesexim.dsn.BoundedReplyInput}
 * (lines of 2048 bytes, 100 lines, 32 KiB a reply), each value kept in the attributes is cut to 4096 characters, and one
 * attempt ends at {@code attemptTimeout} whatever the server does (a server trickling one byte a second never trips
 * James's per-read {@code timeout}): the connection is closed and the attempt fails as a temporary error (James
 * retries, then bounces).</p>
 */
public class DsnInfoRemoteDelivery extends RemoteDelivery {
    /** The name of the host tried last (MX or gateway), String (Exim's {@code $host}). */
    public static final AttributeName HOST = AttributeName.of("jexim.host");
    /** The IP address connected to, String (Exim's {@code $host_address}). */
    public static final AttributeName HOST_ADDRESS = AttributeName.of("jexim.host_address");
    /** The TCP port connected to, Integer (Exim's {@code $host_port}). */
    public static final AttributeName HOST_PORT = AttributeName.of("jexim.host_port");
    /** The server's complete greeting, String. */
    public static final AttributeName SMTP_GREETING = AttributeName.of("jexim.smtp_greeting");
    /** The server's complete reply to the last EHLO/HELO, String. */
    public static final AttributeName HELO_RESPONSE = AttributeName.of("jexim.helo_response");
    /** Per failed recipient address, the command the server refused (AUTH arguments never kept), Map of String. */
    public static final AttributeName SMTP_FAILED_COMMAND = AttributeName.of("jexim.smtp_failed_command");
    /** Per failed recipient address, the server's complete error reply, Map of String. */
    public static final AttributeName SMTP_FAILED_REPLY = AttributeName.of("jexim.smtp_failed_reply");

    /** Every attribute above (each attempt removes those of the one before). */
    public static final List<AttributeName> ATTRIBUTES = List.of(HOST, HOST_ADDRESS, HOST_PORT, SMTP_GREETING, HELO_RESPONSE,
        SMTP_FAILED_COMMAND, SMTP_FAILED_REPLY);

    /** {@code attemptTimeout}: the longest one attempt to one host may take (connect to end of data). */
    public static final Param<java.time.Duration> ATTEMPT_TIMEOUT = Param.duration("attemptTimeout", "10m");
    /** {@code bounceProcessor}: required, the recorded information reaches the bounce only through that processor. */
    public static final Param<String> BOUNCE_PROCESSOR = Param.text(RemoteDeliveryConfiguration.BOUNCE_PROCESSOR, null)
        .required("the processor of DsnInfoBounce: the recorded information reaches the bounce only through it");
    /**
     * Every parameter: ours, and those James 3.8.1's RemoteDelivery reads itself (declared here by name only, so that
     * a misspelt one is refused; James checks their values; {@code mail.*} javax.mail properties are handed on).
     * {@code deliveryThreads} is read by older James versions only.
     */
    public static final ParamSet PARAMETERS = ParamSet.of(ATTEMPT_TIMEOUT, BOUNCE_PROCESSOR).with(jamesParameters());

    private static Param<?>[] jamesParameters() {
        List<Param<?>> out = new java.util.ArrayList<>();
        for (String n : List.of(RemoteDeliveryConfiguration.OUTGOING, RemoteDeliveryConfiguration.DELAY_TIME,
            RemoteDeliveryConfiguration.MAX_RETRIES, RemoteDeliveryConfiguration.MAX_DNS_PROBLEM_RETRIES, "deliveryThreads",
            RemoteDeliveryConfiguration.SENDPARTIAL, RemoteDeliveryConfiguration.TIMEOUT, RemoteDeliveryConfiguration.CONNECTIONTIMEOUT,
            RemoteDeliveryConfiguration.GATEWAY, RemoteDeliveryConfiguration.GATEWAY_PORT, RemoteDeliveryConfiguration.GATEWAY_USERNAME,
            RemoteDeliveryConfiguration.GATEWAY_USERNAME_COMPATIBILITY, RemoteDeliveryConfiguration.BIND, RemoteDeliveryConfiguration.HELO_NAME,
            RemoteDeliveryConfiguration.DEBUG, RemoteDeliveryConfiguration.USE_PRIORITY, RemoteDeliveryConfiguration.START_TLS,
            RemoteDeliveryConfiguration.SSL_ENABLE, RemoteDeliveryConfiguration.VERIFY_SERVER_IDENTITY, RemoteDeliveryConfiguration.ON_SUCCESS,
            RemoteDeliveryConfiguration.LOAD_BALANCING)) {
            out.add(Param.text(n, null).doc("read by James's RemoteDelivery"));
        }
        out.add(Param.text(RemoteDeliveryConfiguration.GATEWAY_PASSWORD, null).secret().doc("read by James's RemoteDelivery"));
        return out.toArray(new Param<?>[0]);
    }

    private final DNSService dnsServer;
    private final MetricFactory metricFactory;
    private final java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jexim-dsninfo-deadline");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public DsnInfoRemoteDelivery(DNSService dnsServer, DomainList domainList, MailQueueFactory<?> queueFactory,
                                 MetricFactory metricFactory) {
        super(dnsServer, domainList, queueFactory, metricFactory, ThreadState.DO_NOT_START_THREADS);
        this.dnsServer = dnsServer;
        this.metricFactory = metricFactory;
    }

    @Override
    public void init() throws MessagingException {
        java.time.Duration attemptTimeout;
        try {
            attemptTimeout = GlueParams.read(PARAMETERS, GlueParams.source(getMailetConfig(), RemoteDeliveryConfiguration.JAVAX_PREFIX),
                DsnInfoRemoteDelivery.class, "DsnInfoRemoteDelivery: ").get(ATTEMPT_TIMEOUT);
        } catch (ParamException e) {
            throw new MessagingException(e.getMessage());
        }
        super.init();
        try {
            DeliveryRunnable runnable = JamesInternals.deliveryRunnable(this);
            RemoteDeliveryConfiguration configuration = JamesInternals.configuration(this);
            MailDelivrer delivrer = new MailDelivrer(configuration,
                new DsnInfoMailDelivrerToHost(configuration, getMailetContext(), attemptTimeout, watchdog, metricFactory),
                dnsServer, new Bouncer(configuration, getMailetContext()), getMailetContext());
            JamesInternals.replaceMailDelivrer(runnable, delivrer);
            runnable.start();
        } catch (JamesInternals.Unsupported e) {
            throw new MessagingException("DsnInfoRemoteDelivery supports James 3.8.1's RemoteDelivery only: " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        super.destroy();
        watchdog.shutdownNow();
    }

    @Override
    public String getMailetInfo() {
        return "RemoteDelivery recording Exim's DSN extra information";
    }
}
