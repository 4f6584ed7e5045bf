package org.jamesexim.mailets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.queuefile.QueueFileMail;
import org.jamesexim.queuefile.RequeueSettings;
import org.jamesexim.queuefile.RequeueSink;
import org.jamesexim.queuefile.Requeuer;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolLimits;
import org.jamesexim.queuefile.SpooledMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way back from {@link QueueFile}: watches an incoming directory and puts every complete message found there
 * (either format) into James's spool queue with its envelope restored, exactly once (see
 * {@link org.jamesexim.queuefile.Requeuer} for the claim/commit protocol and docs/queuefile.md).
 *
 * <p>Started with the server. {@code conf/extensions.properties}:</p>
 * <pre>
 * guice.extension.startable=org.jamesexim.mailets.QueueFileRequeue
 * </pre>
 * <p>{@code conf/queuefile.properties}:</p>
 * <pre>
 * # required: the incoming directory (absolute, existing, or file://... of James); claimed/NODE/, done/ and failed/ are created inside it
 * directory=/var/spool/james-queuefile/in
 * # james (default) or exim
 * format=james
 * # processor the mail re-enters (default transport, i.e. past the root processor that holds QueueFile)
 * processor=transport
 * # how often the directory is scanned (default 1s) and how old a message must be before it is taken
 * # (default 0s for james, 2s for exim: Exim's own queuefile transport copies -H before -D)
 * pollInterval=1s
 * settle=2s
 * # keep requeued files in done/ (true, default) or delete them (false)
 * keepDone=true
 * # this node's name (default: the host name): its claims go to claimed/<node>/, so every James node of a
 * # cluster can requeue from the same shared directory; keep it the same across restarts
 * node=james-1
 * # believe what the files claim beyond sender, recipients, DSN and HELO: remote address, AUTH user, error message,
 * # every mail attribute (James's relay marks, jexim.acl_*). Only for a directory no one but your scanner writes.
 * trustEnvelope=false
 * # the largest data file taken (default 50m) and the most messages one scan takes (default 1000)
 * maxMessageSize=50m
 * maxPerScan=1000
 * </pre>
 * <p>Any other key is refused. The directory (and every directory above it) must belong to James's user or root and
 * not be writable by group or others (the incoming directory itself: James's user only), or James does not start.</p>
 * <p>Requeued mail is named {@code queuefile-<id>} and carries {@link QueueFileAttributes#QUEUEFILE_ID}. Messages
 * that cannot be read or turned into James mail go to {@code failed/} with a {@code <id>.error} note; when the
 * queue refuses a message it stays claimed and is retried at the next scan.</p>
 */
public class QueueFileRequeue implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueFileRequeue.class);

    /** Messages put back into James's spool (recovered after a crash included). */
    public static final String REQUEUED = "jexim.queuefile.requeued";
    /** Messages moved to {@code failed/} (refused for good). */
    public static final String FAILED = "jexim.queuefile.failed";
    /** Files deleted from {@code done/} because they were older than {@code doneMaxAge}. */
    public static final String PRUNED = "jexim.queuefile.pruned";
    /** The timer of one scan of {@code incoming/} (the outside program's directory). */
    public static final String SCAN_TIMER = "jexim.queuefile.scan";

    private final MailQueueFactory<?> queues;
    private final PropertiesProvider properties;
    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private ScheduledExecutorService scheduler;
    private Requeuer requeuer;
    /** Scans run on one thread: the last reason logged per retrying id (bounded), and the last scan error. */
    private final Map<String, String> retryingLogged = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 10_000;
        }
    };
    private String lastScanError;

    /** Without James's FileSystem: {@code directory} must then be a plain absolute path. */
    public QueueFileRequeue(MailQueueFactory<?> queues, PropertiesProvider properties) {
        this(queues, properties, null);
    }

    /** Without James's metrics (plain tests). */
    public QueueFileRequeue(MailQueueFactory<?> queues, PropertiesProvider properties, FileSystem fileSystem) {
        this(queues, properties, fileSystem, PackMetrics.NONE);
    }

    @Inject
    public QueueFileRequeue(MailQueueFactory<?> queues, PropertiesProvider properties, FileSystem fileSystem, MetricFactory metrics) {
        this.queues = queues;
        this.properties = properties;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    public static final Param<String> DIRECTORY = Param.text("directory", null).required("the incoming directory");
    public static final Param<SpoolFormat> FORMAT = Param.custom("format", "james", SpoolFormat::parse);
    public static final Param<String> PROCESSOR = Param.text("processor", "transport");
    public static final Param<Duration> POLL_INTERVAL = Param.duration("pollInterval", "1s");
    /** Default 0s for the james format, 2s for exim. */
    public static final Param<Duration> SETTLE = Param.duration("settle", null).allowZero();
    public static final Param<Boolean> KEEP_DONE = Param.bool("keepDone", true);
    /** Default: the host name. */
    public static final Param<String> NODE = Param.text("node", null);
    public static final Param<Boolean> TRUST_ENVELOPE = Param.bool("trustEnvelope", false);
    public static final Param<Long> MAX_MESSAGE_SIZE = Param.custom("maxMessageSize", (SpoolLimits.DEFAULT_MAX_MESSAGE_SIZE >> 20) + "m", SpoolLimits::parseSize);
    public static final Param<Integer> MAX_PER_SCAN = Param.integer("maxPerScan", SpoolLimits.DEFAULT_MAX_PER_SCAN, 1, 1_000_000);
    /** Files in {@code done/} older than this are deleted (at most 1000 a minute); default: kept (off). */
    public static final Param<Duration> DONE_MAX_AGE = Param.duration("doneMaxAge", null).between("1h", "87600h");
    /** The keys of queuefile.properties; any other is refused at start. */
    public static final ParamSet PARAMETERS = ParamSet.of(DIRECTORY, FORMAT, PROCESSOR, POLL_INTERVAL, SETTLE, KEEP_DONE, NODE,
        TRUST_ENVELOPE, MAX_MESSAGE_SIZE, MAX_PER_SCAN, DONE_MAX_AGE);

    @Override
    public void start() {
        Configuration conf;
        try {
            conf = properties.getConfiguration("queuefile");
        } catch (FileNotFoundException | ConfigurationException e) {
            throw new IllegalStateException("queuefile.properties: cannot be read (" + e.getMessage() + ")", e);
        }
        ParamValues values;
        try {
            values = GlueParams.read(PARAMETERS, GlueParams.source(conf), QueueFileRequeue.class, "queuefile.properties: ");
        } catch (ParamException e) {
            throw new IllegalStateException(e.getMessage());
        }
        String dir = values.get(DIRECTORY);
        SpoolFormat format = values.get(FORMAT);
        String processor = values.get(PROCESSOR);
        Duration poll = values.get(POLL_INTERVAL);
        Duration settle = values.isSet(SETTLE) ? values.get(SETTLE) : format == SpoolFormat.EXIM ? Duration.ofSeconds(2) : Duration.ZERO;
        boolean keep = values.get(KEEP_DONE);
        boolean trust = values.get(TRUST_ENVELOPE);
        String node = values.isSet(NODE) ? values.get(NODE) : defaultNode();
        RequeueSettings settings;
        try {
            Requeuer.checkNode(node);
            settings = RequeueSettings.builder().keepDone(keep).settle(settle).clock(Clock.systemUTC()).trustEnvelope(trust)
                .maxMessageSize(values.get(MAX_MESSAGE_SIZE))
                .maxPerScan(values.get(MAX_PER_SCAN))
                .doneMaxAge(values.get(DONE_MAX_AGE))
                .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("queuefile.properties: " + e.getMessage());
        }
        MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
        try {
            requeuer = Requeuer.create(PackFiles.resolve(fileSystem, dir), node, format, new SpoolSink(spool, processor), settings);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("queuefile.properties: directory: " + e.getMessage(), e);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jexim-queuefile-requeue");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::scan, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
        LOGGER.info("queuefile: requeueing {} format messages from {} into processor {} every {} ms as node {}, {}; at most {} messages a scan of at most {} bytes each",
            format.configName(), dir, processor, poll.toMillis(), node,
            trust ? "trusting the envelope of the files (trustEnvelope=true)" : "believing only sender, recipients, DSN and HELO of the files",
            settings.maxPerScan(), settings.maxMessageSize());
    }

    /** The host name, cut to a node name (letters, digits, '.', '_', '-'; 64 at most), else "james". */
    static String defaultNode() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = System.getenv("HOSTNAME");
        }
        String node = host == null ? "" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        node = node.length() > 64 ? node.substring(0, 64) : node;
        return Requeuer.isNodeName(node) ? node : "james";
    }

    /** One scan; also used by tests and tools. Every reason comes escaped and capped from the engine; each is logged once. */
    public Requeuer.Result scan() {
        try {
            Requeuer.Result r = PackMetrics.time(metrics, SCAN_TIMER, requeuer::runOnce);
            add(REQUEUED, r.requeued().size() + r.recovered().size());
            add(FAILED, r.failed().size());
            if (lastScanError != null) {
                LOGGER.info("queuefile: scanning {} works again", requeuer.incoming());
                lastScanError = null;
            }
            if (!r.requeued().isEmpty() || !r.recovered().isEmpty()) {
                LOGGER.info("queuefile: requeued {} recovered {}", r.requeued(), r.recovered());
            }
            r.failed().forEach((id, why) -> {
                retryingLogged.remove(id);
                LOGGER.error("queuefile: message {} moved to failed/: {}", id, why);
            });
            r.waiting().forEach((id, why) -> LOGGER.info("queuefile: message {} waits: {}", id, why));
            r.retrying().forEach((id, why) -> {
                if (!why.equals(retryingLogged.put(id, why))) {
                    LOGGER.warn("queuefile: message {} kept where it is, retried at every scan: {}", id, why);
                }
            });
            r.requeued().forEach(retryingLogged::remove);
            int pruned = requeuer.pruneDone();
            if (pruned > 0) {
                add(PRUNED, pruned);
                LOGGER.info("queuefile: deleted {} files older than doneMaxAge from {}", pruned, requeuer.incoming().resolve(Requeuer.DONE));
            }
            return r;
        } catch (IOException | RuntimeException e) {
            String why = LogText.escape(String.valueOf(e.getMessage()), SpoolLimits.MAX_REASON_CHARS);
            if (!why.equals(lastScanError)) {
                LOGGER.error("queuefile: scanning {} failed (logged again only when the reason changes): {}", requeuer.incoming(), why, e);
                lastScanError = why;
            }
            return null;
        }
    }

    private void add(String counter, int n) {
        if (n > 0) {
            metrics.generate(counter).add(n);
        }
    }

    @PreDestroy
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** James's spool queue as the requeuer's sink. */
    static final class SpoolSink implements RequeueSink {
        private final MailQueue spool;
        private final String processor;

        SpoolSink(MailQueue spool, String processor) {
            this.spool = spool;
            this.processor = processor;
        }

        @Override
        public void enqueue(String key, SpooledMessage message) throws Exception {
            List<String> skipped = new ArrayList<>();
            MailImpl mail;
            try {
                mail = QueueFileMail.toMail(key, message, processor, skipped);
            } catch (QueueFileMail.Unconvertible e) {
                throw new PermanentFailure(e.getMessage(), e);
            }
            if (!skipped.isEmpty()) {
                LOGGER.warn("queuefile: message {}: attributes James cannot restore were dropped: {}", message.id(),
                    LogText.escape(String.join(", ", skipped), SpoolLimits.MAX_REASON_CHARS));
            }
            mail.setAttribute(new Attribute(QueueFileAttributes.QUEUEFILE_ID, AttributeValue.of(message.id())));
            spool.enQueue(mail);
        }

        @Override
        public boolean contains(String key) throws Exception {
            if (!(spool instanceof ManageableMailQueue)) {
                return false;
            }
            ManageableMailQueue.MailQueueIterator it = ((ManageableMailQueue) spool).browse();
            try {
                while (it.hasNext()) {
                    if (key.equals(it.next().getMail().getName())) {
                        return true;
                    }
                }
                return false;
            } finally {
                it.close();
            }
        }
    }
}
