package org.jamesexim.bmi;

/**
 * The scan did not produce verdicts: the engine is unreachable, timed out, answered something unusable, or said
 * "try again later". The caller applies its fail-open or fail-closed policy. The message never contains secrets.
 */
public class BmiEngineException extends Exception {
    private static final long serialVersionUID = 1L;

    public BmiEngineException(String message) {
        super(message);
    }

    public BmiEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
