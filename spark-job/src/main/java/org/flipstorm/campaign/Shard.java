package org.flipstorm.campaign;

import java.io.Serializable;
import java.util.List;

/**
 * The unit of work of one Spark task: a block of images and every trial that uses them. The
 * images' clean pass runs once per shard.
 *
 * @param shardId position of the shard in the plan
 * @param imageIndices distinct dataset indices of the shard's images, ascending
 * @param trials the shard's trials, ordered by trial id
 */
public record Shard(int shardId, int[] imageIndices, List<Trial> trials) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the trial list so the shard is immutable. */
    public Shard {
        trials = List.copyOf(trials);
    }
}
