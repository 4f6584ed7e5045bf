package org.jamesexim.queuefile;

/** Where the {@link Requeuer} puts messages back (James's spool queue in the glue; a directory in tests). */
public interface RequeueSink {
    /**
     * Enqueues the message under {@code key} (unique per message, the same on every retry).
     *
     * @throws PermanentFailure when this message can never be enqueued (it is then moved to {@code failed/})
     * @throws Exception any other failure is temporary: the message stays claimed and is retried
     */
    void enqueue(String key, SpooledMessage message) throws Exception;

    /**
     * Whether a message with this key was enqueued and is still held; asked before re-enqueuing a message whose
     * enqueue may have happened just before a crash. Return false when the sink cannot tell.
     */
    boolean contains(String key) throws Exception;

    /** A message this sink will never take (e.g. an address James cannot parse). */
    final class PermanentFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public PermanentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
