package org.flipstorm.campaign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.flipstorm.inject.Fault;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.inject.TrialResult;
import org.flipstorm.zoo.data.ImageSet;

/** Runs one shard on an executor: one clean pass of its images, then each layer's faults batched. */
final class ShardRunner {
    private ShardRunner() {}

    /** The rows of every trial of {@code shard}, ordered by trial id. */
    static List<Row> run(CampaignContext ctx, Shard shard) {
        ImageSet data = ExecutorResources.images(ctx.images());
        InjectionEngine engine = ExecutorResources.borrow(ctx);
        try {
            GoldenPass golden = engine.golden(data.features(shard.imageIndices()));
            Map<Integer, Integer> rowOfImage = new HashMap<>();
            for (int r = 0; r < shard.imageIndices().length; r++) {
                rowOfImage.put(shard.imageIndices()[r], r);
            }
            Map<Integer, List<Trial>> byLayer = new TreeMap<>();
            for (Trial t : shard.trials()) {
                byLayer.computeIfAbsent(t.layerIndex(), k -> new ArrayList<>()).add(t);
            }
            List<Row> rows = new ArrayList<>(shard.trials().size());
            for (Map.Entry<Integer, List<Trial>> e : byLayer.entrySet()) {
                List<Trial> trials = e.getValue();
                List<Fault> faults = new ArrayList<>(trials.size());
                for (Trial t : trials) {
                    faults.add(new Fault(t.trialId(), rowOfImage.get(t.imageIndex()), data.label(t.imageIndex()),
                            t.neuronIndex(), t.bit(), t.mask()));
                }
                List<TrialResult> results = engine.inject(golden, e.getKey(), faults, ctx.corruption(e.getKey()));
                for (int i = 0; i < trials.size(); i++) {
                    rows.add(TrialRows.toRow(ctx, trials.get(i), faults.get(i).label(), results.get(i)));
                }
            }
            rows.sort((a, b) -> Long.compare(a.getLong(1), b.getLong(1)));
            return rows;
        } finally {
            ExecutorResources.release(ctx, engine);
        }
    }
}
