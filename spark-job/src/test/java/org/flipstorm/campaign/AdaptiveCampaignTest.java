package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive stop on a real campaign: groups stop at the margin or at their fixed plan, every group's
 * trials are the prefix of its sample, the manifest's counts are the Parquet's, and a run that lost
 * its last round's shards reruns exactly those and ends with the same rows.
 */
class AdaptiveCampaignTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        Dl4jRuntime.configure();
        model = Fixtures.saveTinyModel(dir);
    }

    @AfterAll
    static void tearDown() {
        Fixtures.stopReader();
    }

    private static String run(Path conf) {
        Fixtures.Outcome o = Fixtures.campaign(conf.toString());
        assertEquals(0, o.status(), o.err());
        return o.out();
    }

    @Test
    void groupsStopAtTheMarginOrTheirPlanAndAResumedRunEndsTheSame() throws Exception {
        Path output = dir.resolve("adaptive");
        Path conf = Fixtures.config(dir, model, output, "sampling { target = margin, margin = 0.05,"
                + " confidence = 0.95, eligible = all, adaptive = true, first-round = 50, growth = 2 }");
        String printed = run(conf);
        Path campaign = output.resolve("t");
        JsonNode manifest = new ObjectMapper().readTree(campaign.resolve("manifest.json").toFile());
        JsonNode adaptive = manifest.path("adaptive");
        long fixed = manifest.path("planned_trials").asLong();
        long trials = adaptive.path("trials").asLong();
        assertTrue(trials < fixed, "adaptive ran " + trials + " of " + fixed);
        assertEquals(fixed - trials, adaptive.path("trials_saved").asLong());
        assertTrue(printed.contains(String.format("adaptive stop: %,d of the fixed plan's %,d trials run", trials, fixed)),
                printed);

        List<Row> rows = Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).collectAsList();
        assertEquals(trials, rows.size());
        Map<String, Set<Long>> idsByLayer = new HashMap<>();
        Map<String, Long> sdcByLayer = new HashMap<>();
        for (Row r : rows) {
            String layer = r.getString(r.fieldIndex("layer_name"));
            assertTrue(idsByLayer.computeIfAbsent(layer, k -> new TreeSet<>()).add(r.getLong(r.fieldIndex("trial_id"))),
                    "trial twice: " + r);
            if (r.getString(r.fieldIndex("outcome")).equals("sdc")) {
                sdcByLayer.merge(layer, 1L, Long::sum);
            }
        }
        Sampling s = new Sampling(Sampling.Target.MARGIN, 0.05, 0.95, Sampling.Groups.LAYER, Sampling.Eligible.ALL, true, 50, 2,
                1.0, 9001);
        int byMargin = 0;
        int byPlan = 0;
        Map<Integer, JsonNode> planned = new HashMap<>();
        manifest.path("groups").forEach(g -> planned.put(g.path("groupId").asInt(), g));
        for (JsonNode g : adaptive.path("groups")) {
            String layer = g.path("layer_name").asText();
            long n = g.path("trials").asLong();
            long plan = g.path("fixed_plan_trials").asLong();
            long sdc = g.path("sdc").asLong();
            assertEquals(sdcByLayer.getOrDefault(layer, 0L), sdc, layer);
            long first = planned.get(g.path("group_id").asInt()).path("firstTrialId").asLong();
            assertEquals(LongStream.range(first, first + n).boxed().collect(Collectors.toCollection(TreeSet::new)),
                    idsByLayer.get(layer), layer + ": the group's trials are the first " + n + " of its sample");
            boolean onSchedule = false;
            for (int r = 0; r < RoundSchedule.rounds(s, plan); r++) {
                onSchedule |= RoundSchedule.cumulative(s, plan, r) == n;
            }
            assertTrue(onSchedule, layer + ": " + n + " trials is a round boundary");
            double hw = RoundSchedule.wilsonHalfWidth(sdc, n, 0.95);
            if (g.path("stopped_by").asText().equals("margin")) {
                byMargin++;
                assertTrue(hw <= 0.05 && n < plan, layer + ": stopped at half-width " + hw + " after " + n);
                assertTrue(n == 50 || RoundSchedule.wilsonHalfWidth(sdcAt(rows, layer, first + n / 2), n / 2, 0.95) > 0.05,
                        layer + ": it did not stop at the first round it could have");
            } else {
                byPlan++;
                assertEquals(plan, n, layer);
            }
        }
        assertTrue(byMargin > 0, "some group stopped early: " + adaptive);

        // The driver died during the last round: its shards lost their commits and files.
        int lastRound = adaptive.path("rounds_run").asInt() - 1;
        int perRound = 4; // 40 images in blocks of 10
        List<Path> lost;
        try (Stream<Path> m = Files.list(campaign.resolve("_commits"))) {
            lost = m.filter(p -> p.getFileName().toString().matches("shard-\\d+\\.json"))
                    .filter(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "")) / perRound
                            == lastRound).toList();
        }
        assertTrue(lastRound > 0 && !lost.isEmpty(), "rounds " + (lastRound + 1) + ", last-round shards " + lost);
        for (Path marker : lost) {
            String file = marker.getFileName().toString().replace(".json", ".parquet");
            Files.delete(marker);
            try (Stream<Path> files = Files.walk(campaign.resolve("trials"))) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals(file)).toList()) {
                    Files.delete(f);
                }
            }
        }
        String resumed = run(conf);
        assertTrue(resumed.contains("ran " + lost.size() + " shards"), resumed);
        List<Row> after = Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).orderBy("trial_id")
                .collectAsList();
        assertEquals(Fixtures.reader().read().parquet(campaign.resolve("trials").toString()).count(), trials);
        List<Row> sorted = rows.stream().sorted((a, b) -> Long.compare(a.getLong(a.fieldIndex("trial_id")),
                b.getLong(b.fieldIndex("trial_id")))).toList();
        assertEquals(sorted, after, "the rerun repeats the lost round's decisions and rows");
    }

    /** SDCs among the trials of {@code layer} with id below {@code end}. */
    private static long sdcAt(List<Row> rows, String layer, long end) {
        return rows.stream().filter(r -> r.getString(r.fieldIndex("layer_name")).equals(layer)
                && r.getLong(r.fieldIndex("trial_id")) < end && r.getString(r.fieldIndex("outcome")).equals("sdc")).count();
    }
}
