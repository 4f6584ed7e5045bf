package org.jamesexim.common.config;

/** A parameter that is unknown, missing or has a bad value; the message names it (and never a secret's value). */
public final class ParamException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    public ParamException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The parameter at fault (for unknown parameters, the first of them). */
    public String parameter() {
        return parameter;
    }
}
