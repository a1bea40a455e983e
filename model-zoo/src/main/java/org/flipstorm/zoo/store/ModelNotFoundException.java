package org.flipstorm.zoo.store;

import org.flipstorm.zoo.ZooException;

/** The model file named does not exist. */
public class ModelNotFoundException extends ZooException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the path. */
    public ModelNotFoundException(String message) {
        super(message);
    }
}
