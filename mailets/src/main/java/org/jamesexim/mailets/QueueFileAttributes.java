package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/** Attribute names of the queuefile feature. */
public final class QueueFileAttributes {
    /**
     * {@code jexim.queuefile_id} (String): the spool id of the files {@link QueueFile} wrote for this mail (set when
     * the mail continues), and on mail {@link QueueFileRequeue} put back, the id it was read from.
     */
    public static final AttributeName QUEUEFILE_ID = AttributeName.of("jexim.queuefile_id");

    private QueueFileAttributes() {
    }
}
