package org.flipstorm.inject;

import org.flipstorm.zoo.runtime.NativeMemory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The clean activations of a batch of images, every site kept, computed once and shared by all
 * the faults of those images. {@link #close} gives their memory back when the faults are done,
 * for the next pass to reuse (see {@link NativeMemory}); nothing may read the pass after that.
 *
 * @param input the network input, batch first
 * @param activations element k is site k's output, batch first
 */
public record GoldenPass(INDArray input, INDArray[] activations) implements AutoCloseable {
    /** Number of images in the pass. */
    public int images() {
        return (int) input.size(0);
    }

    /** The pass of the images {@code rows} alone (copies of their rows of every site). */
    public GoldenPass rows(int[] rows) {
        INDArray[] acts = new INDArray[activations.length];
        for (int s = 0; s < acts.length; s++) {
            acts[s] = Rows.gather(activations[s], rows);
        }
        return new GoldenPass(Rows.gather(input, rows), acts);
    }

    /**
     * Closes the sites' arrays (not the input, which the caller made and owns) unless their memory
     * overlaps the input's; views and arrays ND4J cannot close are left to the collector.
     */
    @Override
    public void close() {
        for (INDArray a : activations) {
            NativeMemory.closeUnlessShared(a, input);
        }
    }

    /** Number of neurons in one image's output of site {@code site}. */
    public long neurons(int site) {
        return activations[site].length() / activations[site].size(0);
    }
}
