package org.flipstorm.campaign;

import java.io.Serializable;
import java.util.List;

/**
 * What every task of a campaign needs to know, shipped once with the task closure.
 *
 * @param campaignId campaign name + run id
 * @param modelId the model's id from its card
 * @param variant {@code baseline} or {@code text_guided}
 * @param modelPath path of the model zip, as the executors see it
 * @param weightsSha256 weights hash the driver planned with; an executor refuses other weights
 * @param images where the images come from
 * @param layers the target layers
 * @param format number format
 * @param maxBatch most rows per suffix batch
 */
public record CampaignContext(String campaignId, String modelId, String variant, String modelPath,
                              String weightsSha256, CampaignSpec.ImageSource images, List<TargetLayer> layers,
                              String format, int maxBatch) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the layer list. */
    public CampaignContext {
        layers = List.copyOf(layers);
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
