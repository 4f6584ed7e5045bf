package org.jamesexim.operations.queuefile;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskType;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolTransfer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every message of a QueueFile directory to the incoming directory, as the scanner would
 * ({@link SpoolTransfer#move}); {@code QueueFileRequeue} then puts each back into James exactly once. Started by
 * {@code PATCH /queuefile/messages?action=requeue} ({@link QueueFileRoutes}); followed with {@code GET /tasks/<id>}:
 * its details name both directories and count the messages {@code requeued} and {@code failed}. A message that
 * cannot be moved stays where it is (logged with the reason), and the task ends {@code PARTIAL}.
 */
public class QueueFileRequeueTask implements Task {
    public static final TaskType TYPE = TaskType.of("queuefile-requeue");
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueFileRequeueTask.class);

    /** What {@code GET /tasks/<id>} shows in {@code additionalInformation}. */
    public static class Details implements TaskExecutionDetails.AdditionalInformation {
        private final String directory;
        private final String incoming;
        private final long requeued;
        private final long failed;
        private final Instant timestamp;

        public Details(String directory, String incoming, long requeued, long failed, Instant timestamp) {
            this.directory = directory;
            this.incoming = incoming;
            this.requeued = requeued;
            this.failed = failed;
            this.timestamp = timestamp;
        }

        public String getDirectory() {
            return directory;
        }

        public String getIncoming() {
            return incoming;
        }

        public long getRequeued() {
            return requeued;
        }

        public long getFailed() {
            return failed;
        }

        @Override
        public Instant timestamp() {
            return timestamp;
        }
    }

    private final SpoolDirectory directory;
    private final SpoolDirectory incoming;
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public QueueFileRequeueTask(SpoolDirectory directory, SpoolDirectory incoming) {
        this.directory = directory;
        this.incoming = incoming;
    }

    @Override
    public Result run() {
        try {
            for (String id : directory.committedIds()) {
                try {
                    SpoolTransfer.move(directory, id, incoming);
                    requeued.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    LOGGER.warn("queuefile requeue: {} stays in {}: {}", id, directory.directory(), e.getMessage());
                }
            }
        } catch (IOException e) {
            LOGGER.warn("queuefile requeue: cannot list {}: {}", directory.directory(), e.getMessage());
            return Result.PARTIAL;
        }
        LOGGER.info("queuefile requeue: {} messages of {} handed to {}, {} failed", requeued.get(), directory.directory(),
            incoming.directory(), failed.get());
        return failed.get() == 0 ? Result.COMPLETED : Result.PARTIAL;
    }

    @Override
    public TaskType type() {
        return TYPE;
    }

    @Override
    public Optional<TaskExecutionDetails.AdditionalInformation> details() {
        return Optional.of(new Details(directory.directory().toString(), incoming.directory().toString(), requeued.get(), failed.get(),
            Clock.systemUTC().instant()));
    }

    public SpoolDirectory directory() {
        return directory;
    }
}
