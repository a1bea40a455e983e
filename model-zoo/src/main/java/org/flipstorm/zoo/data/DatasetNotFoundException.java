package org.flipstorm.zoo.data;

import org.flipstorm.zoo.ZooException;

/** No searched location holds the requested dataset; the message says where it looked and how to get it. */
public class DatasetNotFoundException extends ZooException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the places searched. */
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
