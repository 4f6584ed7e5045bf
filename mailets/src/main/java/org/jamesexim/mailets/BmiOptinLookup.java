package org.jamesexim.mailets;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.LogText;
import org.jamesexim.common.ReloadingFile;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiOptinTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exim's {@code bmi_optin = ${lookup{$local_part@$domain}lsearch{/etc/exim/bmi_optin_data}}}: looks each recipient
 * up in a file of {@code user@domain: OPT1:OPT2} lines and stores the profiles found in {@code jexim.bmi_optin}
 * ({@link BmiAttributes#BMI_OPTIN}) for {@link BmiRun}. Keys are case-insensitive; {@code *@domain} and {@code *}
 * lines give defaults; a value shorter than 2 characters means no profile (as in Exim). The file is read at init (a
 * missing or malformed file stops James from starting, naming the file and line) and again when it changes, looked at
 * every {@code reloadInterval} (default 5s; {@link ReloadingFile}): the new table replaces the old one in one step, a
 * changed file that cannot be read or is malformed keeps the table in use (one WARN), each read is logged at INFO with
 * the number of entries. Put it before
 * {@link BmiRun}. Since the lookup runs on accepted recipients only, an opt-in cannot leak from a refused RCPT to the
 * next one (Exim's quirk).
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.BmiOptinLookup">
 *     <file>file://conf/bmi_optin.txt</file>   <!-- file://conf/... is relative to James's home; or an absolute path -->
 *     <reloadInterval>5s</reloadInterval>      <!-- how often the file is looked at for changes; 0s: on every mail -->
 * </mailet>
 * }</pre>
 */
public class BmiOptinLookup extends GenericMailet {
    /** {@code file}: the opt-in table, {@code file://conf/...} (James's home) or an absolute path. */
    public static final Param<String> FILE = Param.text("file", null).required("e.g. file://conf/bmi_optin.txt");
    /** {@code reloadInterval}: how often the file is looked at for changes (0: on every mail), at most 1h. */
    public static final Param<Duration> RELOAD_INTERVAL = Param.duration("reloadInterval", "5s").allowZero().atMost("1h");
    /** Every parameter BmiOptinLookup reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(FILE, RELOAD_INTERVAL);
    /** The largest opt-in file read. */
    public static final int MAX_FILE_OCTETS = 16 << 20;
    private static final Logger LOGGER = LoggerFactory.getLogger(BmiOptinLookup.class);

    private final FileSystem fileSystem;
    private ReloadingFile<BmiOptinTable> table;

    @Inject
    public BmiOptinLookup(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        ParamValues v = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiOptinLookup.class, "");
        String name = v.get(FILE);
        try {
            File f = name.contains("://") || name.startsWith("classpath:") ? fileSystem.getFile(name) : new File(name);
            if (!f.isFile()) {
                throw new IOException("no such file");
            }
            table = new ReloadingFile<>(f.toPath(), p -> read(p, name), v.get(RELOAD_INTERVAL), Clock.systemUTC(),
                new ReloadingFile.Listener<BmiOptinTable>() {
                    @Override
                    public void loaded(Path p, BmiOptinTable t, boolean reload) {
                        LOGGER.info("BMI file {} {}: {} entries in use", LogText.printable(name, 256), reload ? "reloaded" : "read", t.size());
                    }

                    @Override
                    public void failed(Path p, String why) {
                        LOGGER.warn("BMI file {}: {}", LogText.printable(name, 256), LogText.printable(why, 256));
                    }
                });
        } catch (IOException e) {
            throw new MessagingException("file: cannot read '" + name + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("file: " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) {
        BmiOptinTable t = table.get();
        Map<String, BmiOptin> found = new LinkedHashMap<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            BmiOptin optin = t.lookup(rcpt.asString());
            if (!optin.isEmpty()) {
                found.put(rcpt.asString().toLowerCase(Locale.ROOT), optin);
            }
        }
        if (!found.isEmpty()) {
            BmiAttributes.setOptins(mail, found);
        }
    }

    /** The table of {@code file}; IllegalArgumentException naming {@code name} and the line when it is malformed. */
    private static BmiOptinTable read(Path file, String name) {
        try {
            if (Files.size(file) > MAX_FILE_OCTETS) {
                throw new IllegalArgumentException(name + " is larger than " + MAX_FILE_OCTETS + " octets");
            }
            return BmiOptinTable.parse(Files.readString(file, StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + name + "': " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiOptinLookup (James Exim Pack)";
    }
}
