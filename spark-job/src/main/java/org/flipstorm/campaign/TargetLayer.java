package org.flipstorm.campaign;

import java.io.Serializable;

/**
 * A layer chosen as a fault target.
 *
 * @param index layer index in the network
 * @param name layer name
 * @param neurons neurons in one image's output of the layer
 * @param maxAbs profiled max |activation| (NaN when the campaign needs no range profile)
 */
public record TargetLayer(int index, String name, long neurons, float maxAbs) implements Serializable {
    private static final long serialVersionUID = 1L;
}
