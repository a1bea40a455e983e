package org.flipstorm.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.inject.Fault;
import org.flipstorm.inject.GoldenPass;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.inject.TrialResult;
import org.flipstorm.inject.WeightFaults;
import org.flipstorm.zoo.data.ImageSet;

/** Runs one shard on an executor: one clean pass of its images, then each layer's faults batched. */
final class ShardRunner {
    private ShardRunner() {}

    /**
     * Runs a shard and commits its rows under campaign directory {@code dirUri} (see
     * {@link ShardStore}); {@code hadoop} are the driver's file-system settings.
     */
    static ShardStore.Commit runAndCommit(CampaignContext ctx, Shard shard, String dirUri, String runId,
                                          Map<String, String> hadoop) throws java.io.IOException {
        long t0 = System.nanoTime();
        GpuPinning.pin();
        int threads = TaskThreads.applyToThisTask();
        Map<Integer, Double> layerSeconds = new TreeMap<>();
        List<Row> rows = run(ctx, shard, hadoop, layerSeconds);
        double engineSeconds = (System.nanoTime() - t0) / 1e9;
        return ShardStore.write(ShardStore.configuration(hadoop), new org.apache.hadoop.fs.Path(dirUri), runId,
                shard.shardId(), rows, groupCounts(shard, rows), new ShardStore.EngineTime(engineSeconds, layerSeconds),
                t0, threads);
    }

    /** Trials and SDCs per group; {@code rows} are the shard's, in trial-id order like its trials. */
    static Map<Integer, RoundSchedule.Count> groupCounts(Shard shard, List<Row> rows) {
        int idField = TrialRows.index(TrialColumn.TRIAL_ID);
        int outcomeField = TrialRows.index(TrialColumn.OUTCOME);
        List<Trial> trials = shard.trials();
        if (trials.size() != rows.size()) {
            throw new IllegalStateException("shard " + shard.shardId() + " produced " + rows.size() + " rows for "
                    + trials.size() + " trials");
        }
        Map<Integer, RoundSchedule.Count> out = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Trial t = trials.get(i);
            if (rows.get(i).getLong(idField) != t.trialId()) {
                throw new IllegalStateException("shard " + shard.shardId() + ": row " + i + " has trial id "
                        + rows.get(i).getLong(idField) + ", expected " + t.trialId());
            }
            boolean sdc = org.flipstorm.inject.Outcome.SDC.id().equals(rows.get(i).getString(outcomeField));
            out.merge(t.groupId(), new RoundSchedule.Count(1, sdc ? 1 : 0), RoundSchedule.Count::plus);
        }
        return out;
    }

    /**
     * Runs a shard's trials; adds the seconds spent on each layer's faults (the clean pass
     * excluded) to {@code layerSeconds}, keyed by layer index.
     */
    static List<Row> run(CampaignContext ctx, Shard shard, Map<String, String> hadoop, Map<Integer, Double> layerSeconds) {
        ImageSet data = ExecutorResources.images(ctx, hadoop);
        InjectionEngine engine = ExecutorResources.borrow(ctx);
        // An engine goes back to the pool only after a clean finish: a task that failed half-way
        // (a weight fault whose restore check failed, say) must not hand its network to the next task.
        List<Row> rows = ctx.weightFaults() ? runWeights(ctx, shard, data, engine, layerSeconds)
                : runActivations(ctx, shard, data, engine, layerSeconds);
        ExecutorResources.release(ctx, engine);
        return rows;
    }

    private static Map<Integer, Integer> rowOfImage(Shard shard) {
        Map<Integer, Integer> rowOfImage = new HashMap<>();
        for (int r = 0; r < shard.imageIndices().length; r++) {
            rowOfImage.put(shard.imageIndices()[r], r);
        }
        return rowOfImage;
    }

    /** Weight faults: each trial corrupts one weight and classifies its image, re-run from the layer. */
    private static List<Row> runWeights(CampaignContext ctx, Shard shard, ImageSet data, InjectionEngine engine,
                                        Map<Integer, Double> layerSeconds) {
        Map<Integer, Integer> rowOfImage = rowOfImage(shard);
        WeightFaults weights = new WeightFaults(engine);
        Map<Integer, GoldenPass> onePass = new HashMap<>();
        List<Trial> order = new ArrayList<>(shard.trials());
        order.sort(Comparator.comparingInt(Trial::imageIndex).thenComparingInt(Trial::layerIndex));
        List<Row> rows = new ArrayList<>(order.size());
        try (GoldenPass golden = engine.golden(data.features(shard.imageIndices(), ctx.inputNormalization()))) {
            for (Trial t : order) {
                int label = data.label(t.imageIndex());
                GoldenPass one = onePass.computeIfAbsent(t.imageIndex(),
                        i -> golden.rows(new int[] {rowOfImage.get(i)}));
                Fault f = new Fault(t.trialId(), 0, label, t.neuronIndex(), t.bit(), t.mask());
                long start = System.nanoTime();
                TrialResult r = weights.inject(one, t.layerIndex(), WeightFaults.WEIGHTS, f,
                        ctx.corruption(t.layerIndex()), new int[] {label}).get(0);
                layerSeconds.merge(t.layerIndex(), (System.nanoTime() - start) / 1e9, Double::sum);
                rows.add(TrialRows.toRow(ctx, t, label, r));
            }
        } finally {
            onePass.values().forEach(GoldenPass::close);
        }
        rows.sort((a, b) -> Long.compare(a.getLong(1), b.getLong(1)));
        return rows;
    }

    /** Activation faults: one clean pass of the shard's images, then each layer's faults batched. */
    private static List<Row> runActivations(CampaignContext ctx, Shard shard, ImageSet data, InjectionEngine engine,
                                            Map<Integer, Double> layerSeconds) {
        Map<Integer, Integer> rowOfImage = rowOfImage(shard);
        Map<Integer, List<Trial>> byLayer = new TreeMap<>();
        for (Trial t : shard.trials()) {
            byLayer.computeIfAbsent(t.layerIndex(), k -> new ArrayList<>()).add(t);
        }
        List<Row> rows = new ArrayList<>(shard.trials().size());
        // Closed at the end so that the next shard's pass reuses its memory (see GoldenPass).
        try (GoldenPass golden = engine.golden(data.features(shard.imageIndices(), ctx.inputNormalization()))) {
            for (Map.Entry<Integer, List<Trial>> e : byLayer.entrySet()) {
                List<Trial> trials = e.getValue();
                List<Fault> faults = new ArrayList<>(trials.size());
                for (Trial t : trials) {
                    faults.add(new Fault(t.trialId(), rowOfImage.get(t.imageIndex()), data.label(t.imageIndex()),
                            t.neuronIndex(), t.bit(), t.mask()));
                }
                long start = System.nanoTime();
                List<TrialResult> results = engine.inject(golden, e.getKey(), faults, ctx.corruption(e.getKey()));
                layerSeconds.merge(e.getKey(), (System.nanoTime() - start) / 1e9, Double::sum);
                for (int i = 0; i < trials.size(); i++) {
                    rows.add(TrialRows.toRow(ctx, trials.get(i), faults.get(i).label(), results.get(i)));
                }
            }
        }
        rows.sort((a, b) -> Long.compare(a.getLong(1), b.getLong(1)));
        return rows;
    }
}
