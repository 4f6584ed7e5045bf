package org.jamesexim.queuefile;

import java.io.IOException;

/** A spool file changed while it was read (a writer is still at work on it): a temporary state, read it again later. */
public final class SpoolFileChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolFileChangedException(String message) {
        super(message);
    }
}
