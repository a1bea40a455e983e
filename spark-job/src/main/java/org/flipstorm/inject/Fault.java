package org.flipstorm.inject;

/**
 * One fault to inject into neuron {@code neuronIndex} of one layer's output for image row
 * {@code imageRow} of a golden pass: the bits in {@code mask} of the value's encoding are hit.
 *
 * @param trialId the campaign's id for this trial (carried through to the result)
 * @param imageRow row of the image in the {@link GoldenPass} batch
 * @param label true class of the image (for the loss)
 * @param neuronIndex flat (C order) index into one image's output of the layer
 * @param bit the lowest bit hit (the only one for a single-bit fault)
 * @param mask every bit hit, in the format's encoding
 */
public record Fault(long trialId, int imageRow, int label, long neuronIndex, int bit, int mask) {
    /** A single-bit fault at {@code bit}. */
    public Fault(long trialId, int imageRow, int label, long neuronIndex, int bit) {
        this(trialId, imageRow, label, neuronIndex, bit, 1 << checked(bit));
    }

    private static int checked(int bit) {
        BitFlip.checkBit(bit);
        return bit;
    }

    /** Validates the bits and the indices that need no layer to check. */
    public Fault {
        BitFlip.checkBit(bit);
        if (mask == 0 || Integer.numberOfTrailingZeros(mask) != bit) {
            throw new IllegalArgumentException(String.format(
                    "bit mask 0x%x does not have bit %d as its lowest set bit", mask, bit));
        }
        if (imageRow < 0) {
            throw new IllegalArgumentException("image row " + imageRow + " must be >= 0");
        }
        if (neuronIndex < 0) {
            throw new IllegalArgumentException("neuron index " + neuronIndex + " must be >= 0");
        }
    }
}
