package org.flipstorm.analysis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Writes {@code ROWS} synthetic trial rows in the campaign schema (all 25 columns), hive-partitioned
 * by model_id and layer_name as the Spark job writes them: two variants of one architecture, ten
 * layers, 10,000 images, SDC probability rising with the layer. For the analysis benchmark
 * ({@code submit-scripts/benchmark-analysis.sh}); the values are random, the shape is real.
 *
 * <pre>SyntheticTrials ROWS OUT_DIR</pre>
 */
public final class SyntheticTrials {
    private SyntheticTrials() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SyntheticTrials ROWS OUT_DIR");
            System.exit(2);
        }
        long rows = Long.parseLong(args[0]);
        Path out = Path.of(args[1]).toAbsolutePath();
        Path trials = out.resolve("trials");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads TO 2");
            st.execute("COPY (SELECT 'bench' AS campaign_id, i AS trial_id,"
                    + " CASE WHEN i % 2 = 0 THEN 'resnet20-cifar10-baseline' ELSE 'resnet20-cifar10-text' END AS model_id,"
                    + " CASE WHEN i % 2 = 0 THEN 'baseline' ELSE 'text_guided' END AS variant,"
                    + " (hash(i) % 10000)::INTEGER AS image_index, (hash(i * 7) % 10)::INTEGER AS label,"
                    + " ((i // 2) % 10)::INTEGER AS layer_index, 'layer' || ((i // 2) % 10) AS layer_name,"
                    + " (hash(i * 13) % 65536)::BIGINT AS neuron_index, 'fp32' AS format,"
                    + " (hash(i * 17) % 32)::INTEGER AS bit, random()::FLOAT AS value_before,"
                    + " random()::FLOAT AS value_after, (hash(i * 7) % 10)::INTEGER AS golden_top1,"
                    + " (hash(i * 19) % 10)::INTEGER AS faulty_top1, random()::FLOAT AS golden_confidence,"
                    + " random()::FLOAT AS faulty_confidence, random()::FLOAT AS golden_top2diff,"
                    + " CASE WHEN random() < 0.01 * (1 + (i // 2) % 10) THEN 'sdc'"
                    + "      WHEN random() < 0.001 THEN 'non_finite' ELSE 'masked' END AS outcome,"
                    + " (random() * random())::FLOAT AS delta_loss, 'flip' AS fault_model, 0 AS bit_mask,"
                    + " false AS range_detector, 'activations' AS target, 'resnet20' AS architecture"
                    + " FROM range(" + rows + ") r(i))"
                    + " TO '" + trials + "' (FORMAT PARQUET, PARTITION_BY (model_id, layer_name), OVERWRITE_OR_IGNORE)");
        }
        System.out.printf("wrote %,d rows under %s in %.1f s%n", rows, trials, (System.nanoTime() - t0) / 1e9);
    }
}
