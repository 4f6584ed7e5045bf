package org.jamesexim.common.lookup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import org.jamesexim.common.LogText;
import org.jamesexim.common.ReloadingFile;

/**
 * A lookup in a file ({@link FileTable}'s format), read at the start (a missing or bad file fails naming the line)
 * and again when it changes ({@link ReloadingFile}, looked at every {@code reloadInterval}): the new table replaces the
 * old one in one step; a changed file that cannot be read or is bad keeps the table in use (one WARN). A file lookup
 * never fails. Thread-safe.
 */
public final class FileLookup implements Lookup {
    private final String name;
    private final ReloadingFile<FileTable> table;
    private final Duration deadline;

    /**
     * @param name the parameter and value, for errors and log lines ({@code optinLookup file://conf/bmi_optin.txt})
     * @param info one line per read; {@code warn} one line per refused change
     */
    public FileLookup(String name, Path file, Lookup.ValueCheck check, Duration reloadInterval, Duration deadline,
                      Consumer<String> info, Consumer<String> warn) {
        this.name = name;
        this.deadline = deadline;
        this.table = new ReloadingFile<>(file, p -> read(p, name, check), reloadInterval, Clock.systemUTC(),
            new ReloadingFile.Listener<FileTable>() {
                @Override
                public void loaded(Path p, FileTable t, boolean reload) {
                    info.accept(LogText.escape(name, 256) + (reload ? " reloaded: " : " read: ") + t.size() + " entries in use");
                }

                @Override
                public void failed(Path p, String why) {
                    warn.accept(LogText.escape(name, 256) + ": " + LogText.escape(why, 256));
                }
            });
    }

    /** The table of {@code file}; IllegalArgumentException naming {@code name} and the line when it is bad. */
    static FileTable read(Path file, String name, Lookup.ValueCheck check) {
        try {
            if (Files.size(file) > FileTable.MAX_FILE_OCTETS) {
                throw new IllegalArgumentException(name + " is larger than " + FileTable.MAX_FILE_OCTETS + " octets");
            }
            return FileTable.parse(name, new String(Files.readAllBytes(file), StandardCharsets.UTF_8), check);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read the file: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public LookupResult find(String key, Deadline d) {
        if (key == null || key.length() > MAX_KEY_CHARS) {
            return LookupResult.notFound("key longer than " + MAX_KEY_CHARS + " characters");
        }
        String v = table.get().get(key);
        return v == null ? LookupResult.notFound() : LookupResult.found(v);
    }

    /** The table in use now (after looking at the file when it is time to). */
    public FileTable table() {
        return table.get();
    }

    @Override
    public Deadline deadline() {
        return Deadline.in(deadline);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return "FileLookup{" + name + "}";
    }
}
