package org.flipstorm.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL over the trial Parquet: for campaigns whose rows live on a cluster file system. Uses the
 * active session (inside {@code spark-submit}) or starts a local one. Each trials directory becomes
 * a temporary view; partition values ({@code model_id}, {@code layer_name}) stay strings.
 */
public final class SparkEngine implements QueryEngine {
    private final SparkSession spark;
    private final boolean owned;
    private final Map<Path, String> views = new HashMap<>();

    private SparkEngine(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
        spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    }

    /** The active session, or a new local one (stopped again by {@link #close()}). */
    public static SparkEngine create() {
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return new SparkEngine(active.get(), false);
        }
        SparkSession.Builder b = SparkSession.builder().appName("flipstorm-analysis")
                .config("spark.ui.enabled", "false")
                // the tables are small after aggregation: Spark's 200 default shuffle partitions
                // would cost seconds per query on a laptop
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/flipstorm-spark-warehouse");
        if (!System.getProperties().containsKey("spark.master")) {
            // a laptop session: local, and bound to loopback whatever this host's name resolves to
            b = b.master("local[*]").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        return new SparkEngine(b.getOrCreate(), true);
    }

    /** An engine on {@code spark}, which the caller keeps and stops. */
    public static SparkEngine on(SparkSession spark) {
        return new SparkEngine(spark, false);
    }

    @Override
    public String id() {
        return "spark";
    }

    private boolean allowPartial;

    @Override
    public void allowPartial(boolean allow) {
        allowPartial = allow;
    }

    @Override
    public boolean partialAllowed() {
        return allowPartial;
    }

    @Override
    public String trialsSource(Path trialsDir) {
        return views.computeIfAbsent(trialsDir.toAbsolutePath().normalize(), dir -> {
            String name = "flipstorm_trials_" + views.size();
            CommittedData.Selection sel = CommittedData.select(dir, allowPartial);
            if (sel.files() != null) {
                org.apache.spark.sql.Dataset<Row> all = null;
                for (CommittedData.Campaign c : sel.campaigns()) {
                    if (c.files().isEmpty()) {
                        continue;
                    }
                    var one = spark.read().option("mergeSchema", "true")
                            .option("basePath", c.dir().resolve("trials").toUri().toString())
                            .parquet(c.files().stream().map(f -> f.toUri().toString()).toArray(String[]::new));
                    all = all == null ? one : all.unionByName(one, true);
                }
                all.createOrReplaceTempView(name);
                return name;
            }
            // Spark discovers partitions per root only: a directory of campaigns is read root by root.
            org.apache.spark.sql.Dataset<Row> all = null;
            for (Path root : QueryEngine.roots(dir)) {
                var one = spark.read().option("mergeSchema", "true").option("basePath", root.toUri().toString()).parquet(root.toUri().toString());
                all = all == null ? one : all.unionByName(one, true);
            }
            all.createOrReplaceTempView(name);
            return name;
        });
    }

    @Override
    public String thresholdsTable(List<Double> values) {
        return "(SELECT explode(array(" + QueryEngine.literals(values, "D") + ")) AS threshold)";
    }

    @Override
    public String quantiles(String column, double[] probabilities) {
        return "percentile(" + column + ", array(" + QueryEngine.literals(DoubleStream.of(probabilities).boxed().toList(),
                "D") + "))";
    }

    @Override
    public <T> List<T> execute(String sql, RowReader<T> reader) {
        List<Row> rows = spark.sql(sql).collectAsList();
        List<T> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(reader.read(new SparkRow(r)));
        }
        return out;
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }

    private record SparkRow(Row row) implements ResultRow {
        @Override
        public String getString(String column) {
            Object v = row.get(row.fieldIndex(column));
            return v == null ? null : v.toString();
        }

        @Override
        public long getLong(String column) {
            Object v = row.get(row.fieldIndex(column));
            return v == null ? 0 : ((Number) v).longValue();
        }

        @Override
        public double getDouble(String column) {
            Object v = row.get(row.fieldIndex(column));
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        }

        @Override
        public double[] getDoubleArray(String column) {
            int i = row.fieldIndex(column);
            if (row.isNullAt(i)) {
                return new double[0];
            }
            return QueryEngine.toDoubles(row.getList(i));
        }
    }
}
