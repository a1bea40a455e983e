package org.flipstorm.campaign;

import java.io.Serializable;
import org.flipstorm.zoo.data.FolderDataset;
import java.util.List;
import org.flipstorm.inject.Corruption;
import org.flipstorm.inject.DetectorMode;
import org.flipstorm.inject.FaultModel;
import org.flipstorm.inject.FaultOp;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.inject.NumberFormat;
import org.flipstorm.inject.RangeDetector;
import org.flipstorm.zoo.data.Normalization;

/**
 * What every task of a campaign needs to know, shipped once with the task closure.
 *
 * @param campaignId campaign name + run id
 * @param modelId the model's id from its card
 * @param architecture the model's architecture from its card (pairs baseline and text-guided models)
 * @param variant {@code baseline} or {@code text_guided}
 * @param modelPath path of the model zip, as the executors see it
 * @param weightsSha256 weights hash the driver planned with; an executor refuses other weights
 * @param images where the images come from
 * @param layers the target layers
 * @param format number format
 * @param faultModel fault op
 * @param rangeDetector the range detector faulty values pass (none, clamp or goldeneye)
 * @param weightFaults whether the faults hit weights (neuron index = weight index) instead of outputs
 * @param maxBatch most rows per suffix batch
 * @param nearTie the engine's near-tie tolerance (see {@code InjectionEngine})
 * @param cone whether the engine follows each fault's cone of influence under golden reuse
 * @param inputNormalization the model card's input normalisation (null: [0, 1] pixels)
 */
public record CampaignContext(String campaignId, String modelId, String architecture, String variant, String modelPath,
                              String weightsSha256, CampaignSpec.ImageSource images, List<TargetLayer> layers,
                              NumberFormat format, FaultOp faultModel, DetectorMode rangeDetector, boolean weightFaults,
                              int maxBatch, double nearTie, boolean cone, Normalization inputNormalization, FolderDataset.Layout imageLayout)
        implements Serializable {
    private static final long serialVersionUID = 5L;

    /** Copies the layer list. */
    public CampaignContext {
        layers = List.copyOf(layers);
    }

    /** The corruption applied to values of layer {@code index}. */
    public Corruption corruption(int index) {
        TargetLayer layer = layer(index);
        FaultModel model = new FaultModel(format, faultModel);
        // INT8 weights use the layer's own weight range, activations the profiled activation range.
        Corruption c = model.corruption(model.format().scaleFor(layer.maxAbs()));
        return rangeDetector.active() ? RangeDetector.guard(c, layer.maxAbs(), rangeDetector) : c;
    }

    /** The target layer with network index {@code index}. */
    public TargetLayer layer(int index) {
        for (TargetLayer l : layers) {
            if (l.index() == index) {
                return l;
            }
        }
        throw new IllegalArgumentException("layer " + index + " is not a target of campaign " + campaignId);
    }
}
