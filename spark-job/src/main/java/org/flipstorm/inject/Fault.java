package org.flipstorm.inject;

/**
 * One transient fault to inject: flip {@code bit} of neuron {@code neuronIndex} in one layer's
 * output for image row {@code imageRow} of a golden pass.
 *
 * @param trialId the campaign's id for this trial (carried through to the result)
 * @param imageRow row of the image in the {@link GoldenPass} batch
 * @param label true class of the image (for the loss)
 * @param neuronIndex flat (C order) index into one image's output of the layer
 * @param bit FP32 bit to flip, 0..31
 */
public record Fault(long trialId, int imageRow, int label, long neuronIndex, int bit) {
    /** Validates the bit and the indices that need no layer to check. */
    public Fault {
        BitFlip.checkBit(bit);
        if (imageRow < 0) {
            throw new IllegalArgumentException("image row " + imageRow + " must be >= 0");
        }
        if (neuronIndex < 0) {
            throw new IllegalArgumentException("neuron index " + neuronIndex + " must be >= 0");
        }
    }
}
