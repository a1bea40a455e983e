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
 * @param bit lowest bit hit, in the format
 * @param mask every bit hit
 * @param groupId the planner group the trial belongs to
 */
public record Trial(long trialId, int imageIndex, int layerIndex, long neuronIndex, int bit, int mask, int groupId)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
