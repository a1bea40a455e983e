package org.flipstorm.zoo;

/**
 * Root of FlipStorm's checked domain failures: a model or dataset that is missing or malformed.
 * Caller and configuration mistakes are unchecked ({@link IllegalArgumentException}).
 */
public class ZooException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message. */
    public ZooException(String message) {
        super(message);
    }

    /** Creates the exception with a message and its cause. */
    public ZooException(String message, Throwable cause) {
        super(message, cause);
    }
}
