package org.flipstorm.inject;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The clean activations of a batch of images, every layer kept, computed once and shared by all
 * the faults of those images.
 *
 * @param activations element k is layer k's output, batch first
 */
public record GoldenPass(INDArray[] activations) {
    /** Number of images in the pass. */
    public int images() {
        return (int) activations[0].size(0);
    }

    /** Number of neurons in one image's output of layer {@code layer}. */
    public long neurons(int layer) {
        return activations[layer].length() / activations[layer].size(0);
    }
}
