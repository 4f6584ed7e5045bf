package org.jamesexim.mailets;

import java.io.IOException;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.mailets.queuefile.QueueFileMail;
import org.jamesexim.queuefile.EximMessageIds;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFileAccess;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolLimits;
import org.jamesexim.queuefile.SpooledMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exim's {@code queuefile} transport for James: writes the mail, with its whole envelope, into {@code directory}
 * for an outside program (a scanner such as MailScanner) and, by default, ends its processing here; the outside
 * program puts it back through {@link QueueFileRequeue}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.jamesexim.mailets.QueueFile">
 *     <!-- required: an existing absolute directory (not a symbolic link), or file://... of James (PackFiles), owned by
 *          James's user and not writable by group or others (nor any directory above it, unless sticky) -->
 *     <directory>/var/spool/james-queuefile/out</directory>
 *     <!-- optional: james (default; <id>.eml + <id>.json) or exim (<id>-D + <id>-H, Exim's spool format) -->
 *     <format>exim</format>
 *     <!-- optional: false (default) ghosts the mail once written; true lets it continue -->
 *     <passThrough>false</passThrough>
 *     <!-- optional, exim format only: 16 (default, every Exim 4) or 23 (Exim 4.97 and later) -->
 *     <eximIdLength>16</eximIdLength>
 *     <!-- optional: 0600 (default), 0640 or 0660, and a group James's user is in, for a scanner running as another user -->
 *     <fileMode>0640</fileMode>
 *     <fileGroup>mail</fileGroup>
 * </mailet>
 * }</pre>
 *
 * <p>Any other parameter is refused at start (James's {@code onMailetException} and {@code onMatchException} excepted).
 * A mail beyond a cap the reader would refuse (more than 16384 recipients, more than 10000 header fields in the exim
 * format, see docs/queuefile.md "Limits") is not written: the mailet throws. Files are written crash-safely
 * (temporary name, fsync, link into place, the {@code .json}/{@code -H} file last, directory fsync) with mode 0600
 * (or {@code fileMode}, and {@code fileGroup}, set before the file gets its name);
 * the mail is ghosted only after both are on disk. When writing fails (disk full, directory gone) the mailet throws,
 * so the mail goes to the processor's {@code onMailetException} (the error processor by default) and is not lost. Sets {@link QueueFileAttributes#QUEUEFILE_ID} on mail that continues.</p>
 */
public class QueueFile extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueFile.class);

    /** Mails written into {@code directory}. */
    public static final String WRITTEN = "jexim.queuefile.written";
    /** Mails that could not be written (the mailet threw: onMailetException). */
    public static final String WRITE_FAILED = "jexim.queuefile.write_failed";
    /** The timer of one write (both files, fsync included). */
    public static final String WRITE_TIMER = "jexim.queuefile.write";

    private final FileSystem fileSystem;
    private final MetricFactory metrics;
    private SpoolDirectory directory;
    private boolean passThrough;

    /** Without James's FileSystem: {@code directory} must then be a plain absolute path. */
    public QueueFile() {
        this(null);
    }

    /** Without James's metrics (plain tests). */
    public QueueFile(FileSystem fileSystem) {
        this(fileSystem, PackMetrics.NONE);
    }

    @Inject
    public QueueFile(FileSystem fileSystem, MetricFactory metrics) {
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    /** The parameters this mailet knows, plus James's own error-handling ones. */
    public static final Param<String> DIRECTORY = Param.text("directory", null).required("an existing absolute directory");
    public static final Param<SpoolFormat> FORMAT = Param.custom("format", "james", SpoolFormat::parse);
    public static final Param<Boolean> PASS_THROUGH = Param.bool("passThrough", false);
    public static final Param<EximMessageIds.Length> EXIM_ID_LENGTH = Param.custom("eximIdLength", "16", EximMessageIds.Length::parse);
    /** The mode of the files written: 0600 (default), 0640 or 0660 (for a scanner of {@code fileGroup}); others are refused. */
    public static final Param<String> FILE_MODE = Param.choice("fileMode", "0600", "0600", "0640", "0660");
    /** The group the files are given (one of James's user's groups; the scanner's); default: the group they get. */
    public static final Param<String> FILE_GROUP = Param.text("fileGroup", null);
    /** Every parameter QueueFile reads. */
    public static final ParamSet PARAMETERS = ParamSet.of(DIRECTORY, FORMAT, PASS_THROUGH, EXIM_ID_LENGTH, FILE_MODE, FILE_GROUP);

    @Override
    public void init() throws MessagingException {
        ParamValues values = GlueParams.mailet(PARAMETERS, getMailetConfig(), QueueFile.class, "");
        String dir = values.get(DIRECTORY);
        SpoolFormat format = values.get(FORMAT);
        EximMessageIds.Length idLength = values.get(EXIM_ID_LENGTH);
        passThrough = values.get(PASS_THROUGH);
        try {
            directory = SpoolDirectory.open(PackFiles.resolve(fileSystem, dir), format, idLength);
            SpoolDirectory.checkSafe(directory.directory());
        } catch (IOException | IllegalArgumentException e) {
            throw new MessagingException("directory: " + e.getMessage());
        }
        try {
            directory = directory.withAccess(SpoolFileAccess.of(values.get(FILE_MODE), values.get(FILE_GROUP), directory.directory()));
        } catch (IOException | IllegalArgumentException e) {
            throw new MessagingException(e.getMessage().startsWith("file") ? e.getMessage() : "fileGroup: " + e.getMessage());
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String id;
        try {
            SpooledMessage spooled = QueueFileMail.toSpooled(mail);
            id = PackMetrics.<String, IOException>time(metrics, WRITE_TIMER, () -> directory.write(spooled));
            PackMetrics.count(metrics, WRITTEN);
        } catch (IOException | RuntimeException e) {
            PackMetrics.count(metrics, WRITE_FAILED);
            throw new MessagingException("queuefile: cannot write mail " + LogText.escape(mail.getName(), 200) + " to " + directory.directory() + ": "
                + LogText.escape(String.valueOf(e.getMessage()), SpoolLimits.MAX_REASON_CHARS), e);
        }
        LOGGER.info("queuefile: wrote mail {} as {} ({} format) in {}", LogText.escape(mail.getName(), 200), id, directory.format().configName(),
            directory.directory());
        if (passThrough) {
            mail.setAttribute(new Attribute(QueueFileAttributes.QUEUEFILE_ID, AttributeValue.of(id)));
        } else {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "QueueFile (James Exim Pack)";
    }
}
