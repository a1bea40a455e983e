package org.flipstorm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/** What the cluster integration tests share: the job jar, the JVM options, campaign configs, read-back. */
final class ClusterFixtures {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path MODEL = MODULE.resolve("../model-zoo/models/lenet-fmnist-baseline.zip").normalize();
    static final Path IMAGES = MODULE.resolve("../model-zoo/data/fashion-mnist-test-500").normalize();
    static final String MAIN = "org.flipstorm.campaign.CampaignMain";

    private ClusterFixtures() {}

    /** The shaded job jar the build made for spark-submit. */
    static Path jobJar() throws IOException {
        try (Stream<Path> s = Files.list(MODULE.resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("flipstorm-spark-job-.*-cluster\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no job jar in target/: the cluster tests"
                            + " run in 'mvn verify', after the package phase builds it"));
        }
    }

    /** The module's class path with Spark (written by the build, test scope). */
    static String moduleClasspath() throws IOException {
        return Files.readString(MODULE.resolve("target/test-classpath.txt")).strip();
    }

    /** conf/jvm.options without comments. */
    static List<String> jvmOptions() throws IOException {
        return Files.readAllLines(MODULE.resolve("../conf/jvm.options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** Starts a cluster of {@code workers} one-core workers under {@code dir}. */
    static StandaloneCluster cluster(Path dir, int workers) throws IOException, InterruptedException {
        return new StandaloneCluster(dir, moduleClasspath(), jvmOptions(), workers, 1, "3g");
    }

    /** A campaign over the bundled LeNet; {@code extra} lines go inside the campaign block. */
    static Path config(Path dir, String name, String output, int images, int trialsPerLayer, String... extra)
            throws IOException {
        String conf = "campaign {\n"
                + "  name = " + name + "\n"
                + "  seed = 11\n"
                + "  model = \"" + MODEL + "\"\n"
                + "  images { dataset = fashion-mnist, path = \"" + IMAGES + "\", split = test, count = " + images
                + " }\n"
                + "  layers = all\n"
                + "  trials-per-layer = " + trialsPerLayer + "\n"
                + "  sampling { eligible = all }\n"
                + "  output = \"" + output + "\"\n"
                + "  images-per-shard = 10\n"
                + "  max-batch = 128\n"
                + String.join("\n", extra) + "\n}\n";
        Path file = dir.resolve(name + "-" + System.nanoTime() + ".conf");
        Files.writeString(file, conf);
        return file;
    }

    /** Submits the job, waits at most {@code seconds}, and returns its exit status. */
    static int submitAndWait(StandaloneCluster c, String log, String master, Path conf, long seconds,
                             String... args) throws IOException, InterruptedException {
        List<String> appArgs = new java.util.ArrayList<>(List.of(conf.toString()));
        appArgs.addAll(List.of(args));
        Process p = c.submit(log, master, jobJar(), MAIN, Map.of("spark.executor.memory", "1g"), appArgs);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(log + " did not finish in " + seconds + " s; its log:\n" + c.log(log));
        }
        return p.exitValue();
    }

    /** Every trial row of a campaign directory, by trial id. */
    static List<Row> rows(Path campaign) {
        return org.flipstorm.campaign.Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).orderBy("trial_id").collectAsList();
    }

    /** The rows are exactly the trial ids 0..planned-1, each once. */
    static void assertExactlyOnce(List<Row> rows, long planned) {
        assertEquals(planned, rows.size(), "rows");
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).getLong(rows.get(i).fieldIndex("trial_id")), "trial ids 0.." + (planned - 1)
                    + ", each once");
        }
    }

    /** Committed shard markers of a campaign. */
    static long commits(Path campaign) throws IOException {
        Path dir = campaign.resolve("_commits");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("shard-\\d+\\.json")).count();
        }
    }

    /** Waits until at least {@code n} shards are committed. */
    static void awaitCommits(Path campaign, long n, long seconds, StandaloneCluster c, String log)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (commits(campaign) < n) {
            assertTrue(System.nanoTime() < end, "fewer than " + n + " commits after " + seconds + " s; log:\n"
                    + c.log(log));
            Thread.sleep(100);
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
