package org.flipstorm.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/jvm.options is the one place FlipStorm's JVM options are written, and every launcher reads it. */
class JvmOptionsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    static List<String> options() throws IOException {
        return Files.readAllLines(ROOT.resolve("conf/jvm.options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void thisTestJvmGotEveryOption() throws IOException {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : options()) {
            if (option.startsWith("-Dorg.bytedeco.javacpp.platform.extension")) {
                continue; // a build profile without oneDNN resets it
            }
            assertTrue(args.contains(option), option + " missing from the test JVM's arguments " + args);
        }
        assertEquals("false", System.getProperty("org.eclipse.deeplearning4j.helpers.disable"));
    }

    @Test
    void theLauncherPassesEveryOptionToEveryCommand() throws Exception {
        List<String> options = options();
        for (String command : List.of("campaign", "plan", "config", "profile", "summary", "improvement", "compare",
                "train", "history", "card", "import", "slice", "migrate-head")) {
            Result r = dryRun(command, Map.of("FLIPSTORM_JAVA_OPTS", "-Dflipstorm.probe=1", "FLIPSTORM_JEMALLOC", "none"));
            String out = r.out();
            assertEquals(0, r.exit(), out);
            List<String> words = List.of(out.split(" "));
            // Commands that stream a whole dataset through the network run with glibc's heap tuned
            // so that collected native memory is given back (bin/flipstorm says why).
            // Campaigns (unbounded here) get a large oneDNN primitive cache.
            List<String> env = switch (command) {
                case "profile", "card" -> List.of("MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072");
                case "campaign" -> List.of("DNNL_PRIMITIVE_CACHE_CAPACITY=65536");
                default -> List.of();
            };
            assertEquals(env, words.subList(0, env.size()), out);
            words = words.subList(env.size(), words.size());
            assertEquals("java", words.get(0), out);
            assertTrue(words.containsAll(options), command + ": " + out);
            assertTrue(words.contains("-Dflipstorm.probe=1") && words.get(words.size() - 1).equals("--help"), out);
        }
    }

    /**
     * What the launcher prints for {@code command --help} under a dry run, with {@code env} added to
     * an environment cleared of the allocator and oneDNN variables the launcher sets itself.
     */
    private static Result dryRun(String command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/flipstorm").toString(), command, "--help");
        pb.environment().keySet().removeAll(List.of("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "LD_PRELOAD",
                "MALLOC_CONF", "DNNL_PRIMITIVE_CACHE_CAPACITY"));
        pb.environment().put("FLIPSTORM_DRY_RUN", "1");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(p.waitFor(), out);
    }

    private record Result(int exit, String out) {}

    @Test
    void trainingAndCampaignsPreloadTheJemallocTheyAreGiven(@TempDir Path dir) throws Exception {
        Path lib = Files.writeString(dir.resolve("libjemalloc.so.2"), "not loaded by a dry run");
        Result train = dryRun("train", Map.of("FLIPSTORM_JEMALLOC", lib.toString()));
        assertEquals(0, train.exit(), train.out());
        assertTrue(train.out().startsWith("LD_PRELOAD=" + lib + " MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 java "),
                "jemalloc keeps freed pages for reuse: " + train.out());
        Result own = dryRun("train", Map.of("FLIPSTORM_JEMALLOC", lib.toString(), "MALLOC_CONF", "dirty_decay_ms:5000"));
        assertTrue(own.out().startsWith("LD_PRELOAD=" + lib + " MALLOC_CONF=dirty_decay_ms:5000 java "),
                "the user's MALLOC_CONF wins: " + own.out());
        // Training and campaigns: the commands that stream data keep their glibc settings, the rest nothing.
        Result campaign = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", lib.toString()));
        assertTrue(campaign.out().startsWith("LD_PRELOAD=" + lib + " MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1"
                + " DNNL_PRIMITIVE_CACHE_CAPACITY=65536 java "), campaign.out());
        Result summary = dryRun("summary", Map.of("FLIPSTORM_JEMALLOC", lib.toString()));
        assertTrue(summary.out().startsWith("java "), summary.out());
        // Pages kept for reuse would never let the resident set fall under javacpp's physical-memory
        // bound, so a bounded JVM gets jemalloc with its pages purged after five seconds.
        Result bounded = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", lib.toString(),
                "FLIPSTORM_JAVA_OPTS", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1500m"));
        assertTrue(bounded.out().startsWith("LD_PRELOAD=" + lib
                + " MALLOC_CONF=dirty_decay_ms:5000,muzzy_decay_ms:0,background_thread:true java "), bounded.out());
        Result boundedOwn = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", lib.toString(), "MALLOC_CONF",
                "dirty_decay_ms:200", "FLIPSTORM_JAVA_OPTS", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1500m"));
        assertTrue(boundedOwn.out().startsWith("LD_PRELOAD=" + lib + " MALLOC_CONF=dirty_decay_ms:200 java "),
                boundedOwn.out());
        Result off = dryRun("train", Map.of("FLIPSTORM_JEMALLOC", "none"));
        assertTrue(off.out().startsWith("java "), off.out());
    }

    @Test
    void unboundedCampaignsGetALargePrimitiveCache() throws Exception {
        Result campaign = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", "none"));
        assertTrue(campaign.out().startsWith("DNNL_PRIMITIVE_CACHE_CAPACITY=65536 java "), campaign.out());
        // The cached primitives count against javacpp's physical-memory bound: oneDNN's default there.
        Result bounded = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", "none", "FLIPSTORM_JAVA_OPTS",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=1500m"));
        assertTrue(bounded.out().startsWith("java "), bounded.out());
        // A value of the user's own reaches the JVM through the environment, unchanged.
        Result own = dryRun("campaign", Map.of("FLIPSTORM_JEMALLOC", "none", "DNNL_PRIMITIVE_CACHE_CAPACITY", "2048"));
        assertTrue(own.out().startsWith("java "), own.out());
        // Training runs one shape per layer: oneDNN's default cache holds them all.
        Result train = dryRun("train", Map.of("FLIPSTORM_JEMALLOC", "none"));
        assertTrue(train.out().startsWith("java "), train.out());
    }

    @Test
    void aMissingJemallocIsRefusedByName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-libjemalloc.so.2");
        Result r = dryRun("train", Map.of("FLIPSTORM_JEMALLOC", missing.toString()));
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("FLIPSTORM_JEMALLOC=" + missing + " is not a file")
                && r.out().contains("libjemalloc.so.2, auto"), r.out());
    }

    @Test
    void everyScriptStartsJavaWithTheOptionsFile() throws IOException {
        List<Path> scripts = new ArrayList<>(List.of(ROOT.resolve("bin/flipstorm")));
        try (Stream<Path> s = Files.list(ROOT.resolve("submit-scripts"))) {
            s.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(scripts::add);
        }
        int javaLines = 0;
        for (Path script : scripts) {
            for (String line : Files.readAllLines(script)) {
                String code = line.strip();
                if (code.startsWith("#") || code.startsWith("echo ")) {
                    continue;
                }
                if (code.matches("^(/usr/bin/time -v )?java .*")) {
                    javaLines++;
                    assertTrue(code.contains("$(flipstorm_jvm_options)"), script.getFileName() + ": " + code);
                }
                assertFalse(code.contains("--add-opens"), script.getFileName() + " writes an option of its own: "
                        + code);
            }
        }
        assertTrue(javaLines >= 4, "found " + javaLines + " java command lines");
    }
}
