package org.jamesexim.queuefile;

import java.io.IOException;

/** A spool file that does not follow its format; the message names the file and what was wrong. */
public final class SpoolFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolFormatException(String message) {
        super(message);
    }
}
