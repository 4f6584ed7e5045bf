package org.jamesexim.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A value read from a file that operators may change while James runs (SRS secrets and domain lists, the BMI opt-in
 * table): read at the start, then looked at again on use, at most every {@code checkEvery}, and read again when its
 * modification time, size or identity (inode, where the file system has one) changed.
 *
 * <p>Why polling on use and not a {@link java.nio.file.WatchService}: inotify does not see a change made on an NFS
 * server or another client, misses edits in a lower overlay layer and the symlink swap of a Kubernetes Secret or
 * ConfigMap volume is seen on the directory only; a watch also needs a thread per file. One {@code stat} every few
 * seconds, on the thread that needs the value, works on every file system, needs no thread and no shutdown.</p>
 *
 * <p>Atomic: the new value replaces the old one in one step (readers see the old or the new value, never a mix). It is
 * taken only when the reader accepts the whole file and the file did not change while it was read (a file being
 * written is read again at the next check, without a word). A file that cannot be read, or that the reader refuses,
 * keeps the value in use and is reported once per change ({@link Listener#failed}); the reader's message must not
 * hold the file's secrets. Best for writers: write a new file and rename it into place ({@code mv}, {@code install}).
 * Thread-safe, no James types.</p>
 *
 * @param <T> what the file holds
 */
public final class ReloadingFile<T> {
    /** How often files are looked at by default. */
    public static final Duration DEFAULT_CHECK = Duration.ofSeconds(5);

    /** What happened to the file: for the caller's log (one line each). */
    public interface Listener<T> {
        /** The file was read ({@code reload}: again, after a change) and {@code value} is in use now. */
        void loaded(Path file, T value, boolean reload);

        /** The changed file could not be read or was refused; the value in use stays. {@code why} holds no file text. */
        void failed(Path file, String why);
    }

    private static final class Snapshot<T> {
        final T value;
        final Object stamp;

        Snapshot(T value, Object stamp) {
            this.value = value;
            this.stamp = stamp;
        }
    }

    private final Path file;
    private final Function<Path, T> reader;
    private final Duration checkEvery;
    private final Clock clock;
    private final Listener<T> listener;
    private volatile Snapshot<T> current;
    private volatile long nextCheck;

    /**
     * Reads the file now.
     *
     * @param reader turns the file into a value; throws IllegalArgumentException (without the file's secrets) to refuse it
     * @param checkEvery how often the file is looked at on use (zero: on every use)
     * @param listener told of each read and each refusal, or null
     * @throws IllegalArgumentException when the file cannot be read or is refused at the start
     */
    public ReloadingFile(Path file, Function<Path, T> reader, Duration checkEvery, Clock clock, Listener<T> listener) {
        this.file = Objects.requireNonNull(file, "file");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.checkEvery = Objects.requireNonNull(checkEvery, "checkEvery");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener;
        Object stamp = stamp(file);
        if (stamp == null) {
            throw new IllegalArgumentException(file + " cannot be read (no such regular file)");
        }
        T value = reader.apply(file);
        current = new Snapshot<>(Objects.requireNonNull(value, "reader gave null"), stamp);
        nextCheck = clock.millis() + checkEvery.toMillis();
        if (listener != null) {
            listener.loaded(file, value, false);
        }
    }

    /** The file this value is read from. */
    public Path file() {
        return file;
    }

    /** The value in use now, after looking at the file when it is time to. */
    public T get() {
        refresh();
        return current.value;
    }

    /** The value in use, without looking at the file. */
    public T current() {
        return current.value;
    }

    /** Looks at the file now if it is time to; true when a changed file was read and its value is in use. */
    public boolean refresh() {
        long now = clock.millis();
        if (now < nextCheck) {
            return false;
        }
        synchronized (this) {
            if (now < nextCheck) {
                return false;
            }
            nextCheck = now + checkEvery.toMillis();
            Object before = stamp(file);
            if (before == null) {
                if (current.stamp != null) {
                    report(file + " cannot be read (the value in use is kept)");
                    current = new Snapshot<>(current.value, null);
                }
                return false;
            }
            if (before.equals(current.stamp)) {
                return false;
            }
            T value;
            try {
                value = Objects.requireNonNull(reader.apply(file), "reader gave null");
            } catch (RuntimeException e) {
                if (!before.equals(stamp(file))) {
                    return false; // changed while read: being written, look again next time
                }
                current = new Snapshot<>(current.value, before); // reported once per change
                report((e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (the value in use is kept)");
                return false;
            }
            if (!before.equals(stamp(file))) {
                return false; // changed while read: being written, look again next time
            }
            current = new Snapshot<>(value, before);
            if (listener != null) {
                listener.loaded(file, value, true);
            }
            return true;
        }
    }

    private void report(String why) {
        if (listener != null) {
            listener.failed(file, why);
        }
    }

    /** Modification time, size and identity of a regular file (links followed), or null when there is none. */
    static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return null;
            }
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())); // FileTime: to the file system's precision
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "ReloadingFile{" + file + "}";
    }
}
