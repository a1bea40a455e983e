package org.flipstorm.campaign;

import java.io.Serializable;

/**
 * A layer chosen as a fault target.
 *
 * @param index layer index in the network
 * @param name layer name
 * @param neurons neurons in one image's output of the layer
 */
public record TargetLayer(int index, String name, long neurons) implements Serializable {
    private static final long serialVersionUID = 1L;
}
