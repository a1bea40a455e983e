package org.flipstorm.campaign;

import java.io.Serializable;

/**
 * One planned trial: flip {@code bit} of neuron {@code neuronIndex} of layer {@code layerIndex}
 * while classifying image {@code imageIndex}.
 *
 * @param trialId unique in the campaign; with the seed it replays the trial
 * @param imageIndex index of the image in its dataset split
 * @param layerIndex target layer index
 * @param neuronIndex flat index into one image's output of that layer
 * @param bit bit position in the format
 */
public record Trial(long trialId, int imageIndex, int layerIndex, long neuronIndex, int bit) implements Serializable {
    private static final long serialVersionUID = 1L;
}
