package org.jamesexim.mailets;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiOptinTable;

/**
 * Exim's {@code bmi_optin = ${lookup{$local_part@$domain}lsearch{/etc/exim/bmi_optin_data}}}: looks each recipient
 * up in a file of {@code user@domain: OPT1:OPT2} lines and stores the profiles found in {@code jexim.bmi_optin}
 * ({@link BmiAttributes#BMI_OPTIN}) for {@link BmiRun}. Keys are case-insensitive; {@code *@domain} and {@code *}
 * lines give defaults; a value shorter than 2 characters means no profile (as in Exim). The file is read once, at
 * init: a missing or malformed file stops James from starting, naming the file and line. Put it before
 * {@link BmiRun}. Since the lookup runs on accepted recipients only, an opt-in cannot leak from a refused RCPT to the
 * next one (Exim's quirk).
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.BmiOptinLookup">
 *     <file>file://conf/bmi_optin.txt</file>   <!-- file://conf/... is relative to James's home; or an absolute path -->
 * </mailet>
 * }</pre>
 */
public class BmiOptinLookup extends GenericMailet {
    /** {@code file}: the opt-in table, {@code file://conf/...} (James's home) or an absolute path. */
    public static final Param<String> FILE = Param.text("file", null).required("e.g. file://conf/bmi_optin.txt");
    /** Every parameter BmiOptinLookup reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(FILE);

    private final FileSystem fileSystem;
    private BmiOptinTable table;

    @Inject
    public BmiOptinLookup(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        String name = GlueParams.mailet(PARAMETERS, getMailetConfig(), BmiOptinLookup.class, "").get(FILE);
        try {
            File f = name.contains("://") || name.startsWith("classpath:") ? fileSystem.getFile(name) : new File(name);
            table = BmiOptinTable.parse(Files.readString(f.toPath(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new MessagingException("file: cannot read '" + name + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("file: " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) {
        Map<String, BmiOptin> found = new LinkedHashMap<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            BmiOptin optin = table.lookup(rcpt.asString());
            if (!optin.isEmpty()) {
                found.put(rcpt.asString().toLowerCase(Locale.ROOT), optin);
            }
        }
        if (!found.isEmpty()) {
            BmiAttributes.setOptins(mail, found);
        }
    }

    @Override
    public String getMailetInfo() {
        return "BmiOptinLookup (James Exim Pack)";
    }
}
