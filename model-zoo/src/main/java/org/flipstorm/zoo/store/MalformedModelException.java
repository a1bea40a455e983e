package org.flipstorm.zoo.store;

import org.flipstorm.zoo.ZooException;

/** The model file exists but is not a readable DL4J model (or its card does not match it). */
public class MalformedModelException extends ZooException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message and its cause. */
    public MalformedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
