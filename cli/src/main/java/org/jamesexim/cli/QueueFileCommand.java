package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolEnvelope;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolRecipient;
import org.jamesexim.queuefile.SpooledMessage;

/**
 * {@code queuefile list <directory> [--format james|exim]}: the complete messages of a queuefile directory, one
 * line each ({@code id size <sender> recipients}, like {@code exim -bp}); {@code queuefile show <directory> <id>
 * [--format james|exim]}: one message's envelope. Read-only; a message that cannot be read is reported, not
 * touched.
 */
public final class QueueFileCommand implements CliCommand {
    @Override
    public String name() {
        return "queuefile";
    }

    @Override
    public String summary() {
        return "list or show the messages of a queuefile directory: queuefile list|show <dir> [<id>] [--format james|exim]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of(), Set.of("format"));
        List<String> pos = a.positional();
        if (pos.size() < 2) {
            throw new UsageException("usage: queuefile list <dir> | queuefile show <dir> <id>  [--format james|exim]");
        }
        SpoolFormat format;
        try {
            format = SpoolFormat.parse(a.get("format", "james"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        SpoolDirectory dir = SpoolDirectory.open(Path.of(pos.get(1)).toAbsolutePath(), format);
        switch (pos.get(0)) {
            case "list":
                int bad = 0;
                for (String id : dir.committedIds()) {
                    try {
                        SpooledMessage m = dir.read(id);
                        SpoolEnvelope e = m.envelope();
                        StringBuilder sb = new StringBuilder();
                        sb.append(id).append(' ').append(m.content().length).append(" <").append(e.sender() == null ? "" : e.sender()).append('>');
                        for (SpoolRecipient r : e.recipients()) {
                            sb.append(' ').append(r.address());
                        }
                        out.println(sb);
                    } catch (Exception e) {
                        bad++;
                        out.println(id + " *** unreadable: " + e.getMessage());
                    }
                }
                return bad == 0 ? 0 : 1;
            case "show":
                if (pos.size() != 3) {
                    throw new UsageException("usage: queuefile show <dir> <id> [--format james|exim]");
                }
                if (!SpoolDirectory.isValidId(format, pos.get(2))) {
                    err.println("not a " + format.configName() + " spool id: " + pos.get(2));
                    return 1;
                }
                SpooledMessage m = dir.read(pos.get(2));
                SpoolEnvelope e = m.envelope();
                out.println("id: " + m.id());
                out.println("size: " + m.content().length);
                out.println("name: " + e.name());
                out.println("sender: <" + (e.sender() == null ? "" : e.sender()) + ">");
                for (SpoolRecipient r : e.recipients()) {
                    out.println("recipient: " + r);
                }
                out.println("remote: " + e.remoteAddr() + " (" + e.remoteHost() + ") helo " + e.heloName());
                out.println("auth user: " + e.authUser());
                out.println("received: " + e.receivedTime());
                out.println("state: " + e.state());
                out.println("error message: " + e.errorMessage());
                out.println("dsn: envid " + e.dsnEnvid() + ", ret " + e.dsnRet());
                e.perRecipientHeaders().forEach((r, hs) -> hs.forEach(h -> out.println("header for " + r + ": " + h)));
                for (Map.Entry<String, String> at : e.attributes().entrySet()) {
                    out.println("attribute " + at.getKey() + " = " + at.getValue());
                }
                for (String u : e.unrepresentedAttributes()) {
                    out.println("attribute " + u + " (not representable, not kept)");
                }
                return 0;
            default:
                throw new UsageException("unknown action '" + pos.get(0) + "': expected list or show");
        }
    }
}
