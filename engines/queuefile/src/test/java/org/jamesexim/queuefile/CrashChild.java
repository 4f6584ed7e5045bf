package org.jamesexim.queuefile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The programs {@link CrashTest} runs in child JVMs and kills with SIGKILL at random moments.
 *
 * <ul>
 *   <li>{@code write <dir> <format> <first> <count>}: writes messages "msg-N" and prints {@code ok N <id>} after each
 *   write returned (i.e. after the writer acknowledged it, as QueueFile acknowledges to James);</li>
 *   <li>{@code requeue <incoming> <format> <sinkDir>}: runs the requeuer until the directory is empty, into a
 *   directory sink that records a second enqueue of the same key as a {@code dup-*} file.</li>
 * </ul>
 */
public final class CrashChild {
    /** The requeuer's node name in the crash test. */
    static final String NODE = "crash-child";
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        SpoolFormat format = SpoolFormat.parse(args[2]);
        if (args[0].equals("write")) {
            SpoolDirectory sd = SpoolDirectory.open(Path.of(args[1]), format);
            int first = Integer.parseInt(args[3]);
            int count = Integer.parseInt(args[4]);
            PrintStream out = new PrintStream(System.out, true, "UTF-8");
            out.println("ready");
            for (int i = first; i < first + count; i++) {
                String id = sd.write(new SpooledMessage(null, Messages.envelope(), Messages.raw("msg-" + i, ("body of " + i + "\r\n").repeat(50))));
                out.println("ok " + i + " " + id);
            }
        } else {
            Path sink = Path.of(args[3]);
            Requeuer r = Requeuer.create(Path.of(args[1]), NODE, format, new DirectorySink(sink), false, Duration.ZERO, Clock.systemUTC());
            System.out.println("ready");
            System.out.flush();
            while (true) {
                Requeuer.Result res = r.runOnce();
                if (res.requeued().isEmpty() && res.recovered().isEmpty() && res.retrying().isEmpty()) {
                    break;
                }
            }
            System.out.println("finished");
        }
    }

    /** A durable sink: one file per key; a second enqueue of a key leaves a dup- marker. */
    static final class DirectorySink implements RequeueSink {
        private final Path dir;

        DirectorySink(Path dir) {
            this.dir = dir;
        }

        @Override
        public void enqueue(String key, SpooledMessage message) throws IOException {
            String subject = new String(message.content(), StandardCharsets.UTF_8).replaceAll("(?s).*\r\nSubject: ([^\r]*)\r\n.*", "$1");
            try {
                DurableFiles.publish(dir, key, subject.getBytes(StandardCharsets.UTF_8));
            } catch (FileAlreadyExistsException e) {
                DurableFiles.publish(dir, "dup-" + key + "-" + System.nanoTime(), subject.getBytes(StandardCharsets.UTF_8));
            }
            DurableFiles.syncDirectory(dir);
        }

        @Override
        public boolean contains(String key) {
            return Files.exists(dir.resolve(key));
        }
    }
}
