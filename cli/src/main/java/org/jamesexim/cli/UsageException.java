package org.jamesexim.cli;

/** A command line the command cannot accept; its message is printed to stderr and the exit code is 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
