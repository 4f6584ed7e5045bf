package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.jamesexim.queuefile.SpoolListing;

/**
 * {@code queuefile list <directory> [--format james|exim]}: the complete messages of a queuefile directory, one
 * line each ({@code id size <sender> recipients}, like {@code exim -bp}); {@code queuefile show <directory> <id>
 * [--format james|exim]}: one message's envelope. Read-only; a message that cannot be read is reported, not
 * touched. With {@code --json}: the same JSON as WebAdmin's {@code GET /queuefile/messages} and
 * {@code GET /queuefile/messages/<id>} (both render {@link SpoolListing}).
 */
public final class QueueFileCommand implements CliCommand {
    @Override
    public String name() {
        return "queuefile";
    }

    @Override
    public String summary() {
        return "list or show the messages of a queuefile directory: queuefile list|show <dir> [<id>] [--format james|exim] [--json]";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("json"), Set.of("format"));
        List<String> pos = a.positional();
        if (pos.size() < 2) {
            throw new UsageException("usage: queuefile list <dir> | queuefile show <dir> <id>  [--format james|exim] [--json]");
        }
        SpoolFormat format;
        try {
            format = SpoolFormat.parse(a.get("format", "james"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        SpoolDirectory dir = SpoolDirectory.open(Path.of(pos.get(1)).toAbsolutePath(), format);
        boolean json = a.has("json");
        switch (pos.get(0)) {
            case "list":
                int bad = 0;
                List<Map<String, Object>> entries = new ArrayList<>();
                for (String id : dir.committedIds()) {
                    try {
                        entries.add(SpoolListing.summary(dir.read(id)));
                    } catch (Exception e) {
                        bad++;
                        entries.add(SpoolListing.unreadable(id, String.valueOf(e.getMessage())));
                    }
                }
                if (json) {
                    out.println(Json.write(entries));
                } else {
                    entries.forEach(e -> out.println(SpoolListing.line(e)));
                }
                return bad == 0 ? 0 : 1;
            case "show":
                if (pos.size() != 3) {
                    throw new UsageException("usage: queuefile show <dir> <id> [--format james|exim] [--json]");
                }
                if (!SpoolDirectory.isValidId(format, pos.get(2))) {
                    err.println("not a " + format.configName() + " spool id: " + pos.get(2));
                    return 1;
                }
                Map<String, Object> details = SpoolListing.details(dir.read(pos.get(2)));
                if (json) {
                    out.println(Json.write(details));
                } else {
                    SpoolListing.lines(details).forEach(out::println);
                }
                return 0;
            default:
                throw new UsageException("unknown action '" + pos.get(0) + "': expected list or show");
        }
    }
}
