package org.jamesexim.mailets;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesexim.common.Endpoint;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamSource;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dcc.DccClient;
import org.jamesexim.dcc.DccRequest;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.dcc.DccSettings;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.mime.MimeBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one dccifd client of a James server, shared by {@code org.jamesexim.smtp.DccHook} and the
 * {@code org.jamesexim.matchers.Dcc} matcher (a Guice singleton).
 *
 * <p>Its settings are Exim's main-section DCC options, read from {@code conf/dcc.properties} (all optional):</p>
 * <pre>
 * dccifd_address = /usr/local/dcc/var/dccifd     # or "host port"
 * dccifd_options = header                        # request line 1, verbatim
 * dccifd_connect_timeout = 5s
 * dccifd_timeout = 30s                           # whole exchange: send the message, read the reply
 * dcc_direct_add_header = true                   # add the X-DCC header (and jexim.acl_m_dcc_add_header) to the mail
 * </pre>
 *
 * <p>Each key is declared once ({@link #PARAMETERS}) and read by the pack's one grammar (docs/configuration.md): an
 * unknown key, or a value a key does not take, stops James naming the key and the value. {@code dcc_direct_add_header}
 * still reads {@code yes}/{@code no}/{@code 1}/{@code 0} for one release, with a deprecation WARN.</p>
 *
 * <p>Metrics (docs/dcc.md): the timer {@code jexim.dcc.dccifd} around each check (connect to verdict), the counter
 * {@code jexim.dcc_result.<result>} per recorded result ({@code A}, {@code R}, {@code G}, {@code T};
 * {@code none} when dccifd gave no answer).</p>
 */
@Singleton
public class DccService {
    public static final String PROPERTIES = "dcc.properties";
    /** {@code dccifd_address}: a unix socket path or {@code host port} (Exim's option and default). */
    public static final Param<Endpoint> DCCIFD_ADDRESS = Param.endpoint("dccifd_address", DccSettings.DEFAULT_ADDRESS);
    /** {@code dccifd_options}: request line 1, words dccifd knows (Exim's option and default). */
    public static final Param<String> DCCIFD_OPTIONS = Param.text("dccifd_options", DccSettings.DEFAULT_OPTIONS)
        .check(DccSettings::checkOptions);
    public static final Param<Duration> DCCIFD_CONNECT_TIMEOUT = Param.duration("dccifd_connect_timeout",
        Param.format(DccSettings.DEFAULT_CONNECT_TIMEOUT));
    /** One deadline for the whole check, the connect included. */
    public static final Param<Duration> DCCIFD_TIMEOUT = Param.duration("dccifd_timeout", Param.format(DccSettings.DEFAULT_TIMEOUT));
    /** Add the X-DCC header; yes/no/1/0 still read for one release, with a deprecation WARN. */
    public static final Param<Boolean> DCC_DIRECT_ADD_HEADER = Param.bool("dcc_direct_add_header", true).legacyYesNo();
    /** Every key of {@code conf/dcc.properties}; any other is refused at start. */
    public static final ParamSet PARAMETERS = ParamSet.of(DCCIFD_ADDRESS, DCCIFD_OPTIONS, DCCIFD_CONNECT_TIMEOUT, DCCIFD_TIMEOUT,
        DCC_DIRECT_ADD_HEADER);
    private static final Logger LOGGER = LoggerFactory.getLogger(DccService.class);
    /** The timer of each dccifd check, the connect included. */
    public static final String DCCIFD_TIMER = "jexim.dcc.dccifd";
    /** The counter of mails DccHook left unchecked because of its {@code skip} parameter. */
    public static final String SKIPPED = "jexim.dcc.skipped";
    /** Header fields only dccifd writes; any that come with a mail are removed ({@link #record}). */
    private static final java.util.regex.Pattern FORGED = java.util.regex.Pattern.compile("(?i)X-DCC-.*-Metrics");

    private final DccClient client;
    private final boolean directAddHeader;
    private final String source;
    private final MetricFactory metrics;

    /** Without James's metrics. */
    public DccService(FileSystem fileSystem) {
        this(fileSystem, PackMetrics.NONE);
    }

    @Inject
    public DccService(FileSystem fileSystem, MetricFactory metrics) {
        this(load(fileSystem), metrics);
    }

    /** For tests and embedding: settings from these properties (same keys as {@code dcc.properties}). */
    public DccService(Properties properties) {
        this(properties, PackMetrics.NONE);
    }

    /** As {@link #DccService(Properties)}, reporting to {@code metrics}. */
    public DccService(Properties properties, MetricFactory metrics) {
        this(new Loaded(properties, "properties"), metrics);
    }

    private DccService(Loaded loaded, MetricFactory metrics) {
        this.metrics = metrics;
        String prefix = loaded.source + ": ";
        try {
            ParamValues values = GlueParams.read(PARAMETERS, ParamSource.of(loaded.properties), DccService.class, prefix);
            this.directAddHeader = values.get(DCC_DIRECT_ADD_HEADER);
            this.client = new DccClient(DccSettings.builder().address(values.get(DCCIFD_ADDRESS)).options(values.get(DCCIFD_OPTIONS))
                .connectTimeout(values.get(DCCIFD_CONNECT_TIMEOUT)).timeout(values.get(DCCIFD_TIMEOUT)).build());
        } catch (ParamException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
        this.source = loaded.source;
        LOGGER.info("DCC: {} dcc_direct_add_header={} (from {})", client.settings(), directAddHeader, source);
    }

    private static final class Loaded {
        final Properties properties;
        final String source;

        Loaded(Properties properties, String source) {
            this.properties = properties;
            this.source = source;
        }
    }

    private static Loaded load(FileSystem fileSystem) {
        Properties p = new Properties();
        File file;
        try {
            file = fileSystem.getFile(FileSystem.FILE_PROTOCOL_AND_CONF + PROPERTIES);
        } catch (FileNotFoundException e) {
            return new Loaded(p, "defaults (no conf/" + PROPERTIES + ")");
        }
        if (!file.isFile()) {
            return new Loaded(p, "defaults (no conf/" + PROPERTIES + ")");
        }
        try (Reader r = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Loaded(p, file.toString());
    }

    public DccSettings settings() {
        return client.settings();
    }

    public boolean directAddHeader() {
        return directAddHeader;
    }

    /** Where this service reports (James's MetricFactory, or {@link PackMetrics#NONE}). */
    public MetricFactory metrics() {
        return metrics;
    }

    /**
     * Asks dccifd about this mail. The client IP is {@code jexim.acl_m_dcc_override_client_ip} when that is set to an
     * IP address, else {@code clientIp} ({@code 127.0.0.1} when null, as Exim for local mail). The message is streamed
     * from the mail's MimeMessage to the socket.
     */
    public DccResult check(Mail mail, String helo, String clientIp, String clientName) {
        DccRequest.Builder b = DccRequest.builder().helo(helo).clientName(clientName);
        Optional<String> override = stringAttribute(mail, DccAttributes.ACL_M_DCC_OVERRIDE_CLIENT_IP).filter(s -> !s.trim().isEmpty());
        boolean overridden = false;
        if (override.isPresent()) {
            try {
                b.clientIp(override.get());
                b.clientName(null);
                overridden = true;
            } catch (IllegalArgumentException e) {
                LOGGER.warn("DCC: ignoring {} on mail {}: {}", DccAttributes.ACL_M_DCC_OVERRIDE_CLIENT_IP.asString(), mail.getName(), e.getMessage());
            }
        }
        if (!overridden) {
            try {
                b.clientIp(clientIp);
            } catch (IllegalArgumentException e) {
                b.clientIp(null);
            }
        }
        b.sender(mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null));
        Collection<MailAddress> recipients = mail.getRecipients();
        for (MailAddress r : recipients) {
            b.recipient(r.asString());
        }
        MimeMessage message;
        try {
            message = mail.getMessage();
        } catch (MessagingException e) {
            return DccResult.noAnswer("cannot read the message: " + e.getMessage());
        }
        DccRequest request = b.build();
        return PackMetrics.time(metrics, DCCIFD_TIMER, () -> client.check(request, out -> {
            try {
                MimeBytes.writeTo(message, out);
            } catch (MessagingException e) {
                throw new IOException("cannot read the message: " + e.getMessage(), e);
            }
        }));
    }

    /**
     * Writes {@code jexim.dcc_result}, {@code jexim.dcc_header} and {@code jexim.dcc_recipients}, removes every {@code X-DCC-*-Metrics} header that
     * came with the mail (whatever the result: a sender must not pass off its own DCC verdict as ours, e.g. a
     * whitelist line while dccifd is down) and, with {@code dcc_direct_add_header}, adds the X-DCC header after the
     * existing ones, then the lines of {@code jexim.acl_m_dcc_add_header}.
     */
    public void record(Mail mail, DccResult result) {
        mail.setAttribute(new Attribute(DccAttributes.DCC_RESULT, AttributeValue.of(result.dccResult())));
        PackMetrics.count(metrics, DccAttributes.DCC_RESULT, result.dccResult());
        mail.setAttribute(new Attribute(DccAttributes.DCC_HEADER, AttributeValue.of(result.dccHeader())));
        mail.setAttribute(new Attribute(DccAttributes.DCC_RECIPIENTS, AttributeValue.of(result.recipientResults())));
        boolean stripped = stripForged(mail);
        if (!directAddHeader) {
            if (stripped) {
                saveQuietly(mail);
            }
            return;
        }
        List<String> lines = new ArrayList<>();
        if (result.headerName() != null) {
            lines.add(result.headerName() + ": " + result.headerValue());
        }
        stringAttribute(mail, DccAttributes.ACL_M_DCC_ADD_HEADER).ifPresent(extra -> lines.addAll(headerFields(extra, mail.getName())));
        if (lines.isEmpty()) {
            if (stripped) {
                saveQuietly(mail);
            }
            return;
        }
        try {
            MimeMessage message = mail.getMessage();
            for (String line : lines) {
                message.addHeaderLine(line);
            }
            MimeBytes.saveHeaderChanges(mail);
        } catch (MessagingException e) {
            LOGGER.warn("DCC: cannot add the X-DCC header to mail {}: {}", mail.getName(), e.getMessage());
        }
    }

    /** Rewrites {@code jexim.dcc_recipients} for the recipients left on the mail (one letter each, in their order). */
    public void recordRecipients(Mail mail, List<String> letters) {
        mail.setAttribute(new Attribute(DccAttributes.DCC_RECIPIENTS, AttributeValue.of(String.join("", letters))));
    }

    /** Removes the {@code X-DCC-<brand>-Metrics} headers of the mail; true when there were any. */
    static boolean stripForged(Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            List<String> names = new ArrayList<>();
            for (java.util.Enumeration<javax.mail.Header> e = message.getAllHeaders(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (FORGED.matcher(name).matches() && !names.contains(name)) {
                    names.add(name);
                }
            }
            for (String name : names) {
                message.removeHeader(name);
            }
            if (!names.isEmpty()) {
                LOGGER.info("DCC: removed {} that came with mail {}", names, mail.getName());
            }
            return !names.isEmpty();
        } catch (MessagingException e) {
            LOGGER.warn("DCC: cannot read the headers of mail {}: {}", mail.getName(), e.getMessage());
            return false;
        }
    }

    private static void saveQuietly(Mail mail) {
        try {
            MimeBytes.saveHeaderChanges(mail);
        } catch (MessagingException e) {
            LOGGER.warn("DCC: cannot save mail {}: {}", mail.getName(), e.getMessage());
        }
    }

    /** Splits header text into fields (folded lines kept, CRLF), dropping lines that are not {@code Name: value}. */
    static List<String> headerFields(String text, String mailName) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null) {
                fields.add(current.toString());
                current = null;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
                LOGGER.warn("DCC: {} on mail {}: skipping a line that is not a header field: '{}'",
                    DccAttributes.ACL_M_DCC_ADD_HEADER.asString(), mailName, line.length() > 60 ? line.substring(0, 60) + "..." : line);
                continue;
            }
            current = new StringBuilder(line);
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return fields;
    }

    static Optional<String> stringAttribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value()).filter(String.class::isInstance).map(String.class::cast);
    }

    /** The result already recorded on this mail (by the SMTP hook or an earlier matcher), or null. */
    public static DccResult recorded(Mail mail) {
        return DccResult.fromRecorded(stringAttribute(mail, DccAttributes.DCC_RESULT).orElse(null),
            stringAttribute(mail, DccAttributes.DCC_HEADER).orElse(""), stringAttribute(mail, DccAttributes.DCC_RECIPIENTS).orElse(""));
    }
}
