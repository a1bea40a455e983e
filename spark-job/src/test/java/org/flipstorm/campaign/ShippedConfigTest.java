package org.flipstorm.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that includes another, for a driver that runs where the included file is not: every
 * include must find its file (HOCON would skip a missing one and run on defaults), {@code config}
 * writes one self-contained file that reads as the original with its overrides, and the YARN and
 * Kubernetes scripts ship exactly that, for each config given. The scripts run for real against a
 * spark-submit that records its arguments and the files it was given; their job jar is this
 * module's class path behind a manifest, so {@code config} runs from the classes under test.
 */
class ShippedConfigTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    private Path base;
    private Path variant;
    private Path other;

    @BeforeEach
    void configs() throws Exception {
        Files.createDirectories(dir.resolve("a/presets"));
        Files.createDirectories(dir.resolve("b"));
        base = Files.writeString(dir.resolve("a/presets/base.conf"), """
                campaign {
                  name = base
                  model = "hdfs:///models/m.zip"
                  images { dataset = cifar10, path = /data/cifar10, count = 200 }
                  layers = [conv1, logits]
                  trials-per-layer = 100
                  output = "hdfs:///campaigns"
                  sampling { eligible = correct-margin, holdout = 0.2 }
                }
                """);
        // two levels of include, one of them file(...) (a path as given: relative to the working
        // directory, so absolute here), and a substitution across them
        Files.writeString(dir.resolve("a/middle.conf"), """
                include file("%s")
                campaign { format = int8, range-detector = goldeneye }
                """.formatted(base));
        variant = Files.writeString(dir.resolve("a/variant.conf"), """
                include "middle.conf"
                campaign { name = variant-${campaign.format}, seed = 2 }
                """);
        other = Files.writeString(dir.resolve("b/other.conf"), """
                include "../a/presets/base.conf"
                campaign { name = other, layers = all }
                """);
    }

    @Test
    void renderedConfigReadsAsTheOriginalWithItsOverridesAndNeedsNoOtherFile() throws Exception {
        List<String> sets = List.of("campaign.trials-per-layer=7", "campaign.images.count=150",
                "campaign.bits=[3,\n5]");
        CampaignSpec expected = CampaignConfig.load(variant.toFile(), sets);
        assertEquals("variant-int8", expected.name());
        assertEquals(7, expected.trialsPerLayer());
        assertEquals(List.of(3, 5), expected.bits(), "an override over two lines");
        assertEquals(List.of("conv1", "logits"), expected.layers(), "read through both includes");
        Path alone = Files.createDirectories(dir.resolve("elsewhere")).resolve("variant.conf");
        Files.writeString(alone, CampaignConfig.render(variant.toFile(), sets));
        assertTrue(Files.readAllLines(alone).stream().noneMatch(l -> l.strip().startsWith("include")),
                Files.readString(alone));
        assertEquals(expected, CampaignConfig.load(alone.toFile(), List.of()));
        assertNotEquals(CampaignConfig.load(variant.toFile(), List.of()), expected, "the overrides changed it");
    }

    @Test
    void anIncludeThatFindsNoFileIsAnErrorNamingIt() throws Exception {
        for (String include : List.of("include \"midle.conf\"",
                "include file(\"" + dir.resolve("a/bse.conf") + "\")")) {
            Path bad = Files.writeString(dir.resolve("a/bad.conf"), include + "\ncampaign { name = bad }\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CampaignConfig.load(bad.toFile(), List.of()));
            String missing = include.replaceAll(".*\"(.*)\".*", "$1");
            assertTrue(e.getMessage().contains("includes a file that cannot be read") && e.getMessage()
                    .contains(missing), e.getMessage());
        }
        // include required(...) reads as before
        Path req = Files.writeString(dir.resolve("a/req.conf"), "include required(\"middle.conf\")\n");
        assertEquals("base", CampaignConfig.load(req.toFile(), List.of()).name());
    }

    @Test
    void configCommandWritesTheFileAndRefusesABadOneInOneLine() throws Exception {
        Path out = dir.resolve("out/variant.conf");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(0, ConfigMain.run(new String[] {variant.toString(), "--set", "campaign.seed=5", "--out",
                out.toString()}, ps, ps), buf.toString(StandardCharsets.UTF_8));
        assertEquals(5, CampaignConfig.load(out.toFile(), List.of()).seed());
        Path typo = Files.writeString(dir.resolve("a/typo.conf"), "include \"middle.conf\"\ncampaign { trails = 3 }\n");
        buf.reset();
        assertEquals(2, ConfigMain.run(new String[] {typo.toString(), "--out", dir.resolve("t.conf").toString()},
                ps, ps));
        String said = buf.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("unknown campaign key(s) [trails]"), said);
        assertFalse(Files.exists(dir.resolve("t.conf")), "nothing written for a refused config");
    }

    @Test
    void getPrintsOneSettledValueALineDefaultsIncluded() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(0, ConfigMain.run(new String[] {variant.toString(), "--set", "campaign.seed=5", "--get",
                "campaign.name", "--get", "campaign.output", "--get", "campaign.seed", "--get", "campaign.layers",
                "--get", "campaign.images-per-shard"}, ps, ps), buf.toString(StandardCharsets.UTF_8));
        // the name through a substitution, the output unquoted from the included file, a default last
        assertEquals(List.of("variant-int8", "hdfs:///campaigns", "5", "[\"conv1\",\"logits\"]",
                String.valueOf(CampaignConfig.load(variant.toFile(), List.of()).imagesPerShard())),
                buf.toString(StandardCharsets.UTF_8).lines().toList());
        for (String key : List.of("campaign.trails", "seed")) {
            buf.reset();
            assertEquals(2, ConfigMain.run(new String[] {variant.toString(), "--get", key}, ps, ps));
            assertTrue(buf.toString(StandardCharsets.UTF_8).contains("no campaign key " + key), buf.toString());
        }
    }

    /** A jar whose manifest puts this JVM's class path behind it: the scripts' java -cp runs the classes under test. */
    private Path classPathJar() throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toUri().toString())
                .collect(Collectors.joining(" "));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp);
        Path jar = dir.resolve("job.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os, m)) {
            j.flush();
        }
        return jar;
    }

    /** A spark-submit that writes its arguments to $RECORD/args and copies each --files file to $RECORD/files. */
    private Path fakeSparkHome() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > "$RECORD/args"
                mkdir -p "$RECORD/files"
                while [[ $# -gt 0 ]]; do
                  if [[ "$1" == --files ]]; then IFS=, read -ra f <<< "$2"; cp "${f[@]}" "$RECORD/files/"; fi
                  shift
                done
                """);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("spark");
    }

    /** The exit status and output, and what spark-submit was given (null when it did not run). */
    private record Run(int status, String output, List<String> args, Path files) {}

    private Run submit(String script, Map<String, String> env, String... args) throws Exception {
        Path record = Files.createDirectories(dir.resolve("record-" + System.nanoTime()));
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/" + script).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = new HashMap<>(Map.of("SPARK_HOME", fakeSparkHome().toString(), "RECORD",
                record.toString(), "FLIPSTORM_JOB_JAR", classPathJar().toString(), "JAVA_HOME",
                System.getProperty("java.home"), "HADOOP_CONF_DIR", dir.toString(), "FLIPSTORM_UPLOAD", "s3a://b/up"));
        e.putAll(env);
        pb.environment().putAll(e);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        Path recorded = record.resolve("args");
        return new Run(status, out, Files.exists(recorded) ? Files.readAllLines(recorded) : null,
                record.resolve("files"));
    }

    @Test
    void yarnClusterModeAndKubernetesShipEachConfigSelfContainedWithTheOverridesInIt() throws Exception {
        String[] sets = {"--set", "campaign.trials-per-layer=7", "--set=campaign.seed=9"};
        List<String> overrides = List.of("campaign.trials-per-layer=7", "campaign.seed=9");
        for (String script : List.of("submit-yarn.sh", "submit-k8s.sh")) {
            List<String> args = new ArrayList<>(script.equals("submit-k8s.sh")
                    ? List.of("https://api:6443", "image") : List.of());
            args.addAll(List.of(variant.toString(), other.toString()));
            args.addAll(List.of(sets));
            args.addAll(List.of("--", "--conf", "spark.driver.memory=1g"));
            Run r = submit(script, Map.of("FLIPSTORM_DEPLOY_MODE", "cluster"), args.toArray(String[]::new));
            assertEquals(0, r.status(), script + ": " + r.output());
            List<String> a = r.args();
            assertEquals(List.of("variant.conf", "other.conf"), a.subList(a.size() - 2, a.size()),
                    script + ": the driver is given the shipped names, the overrides are inside them: " + a);
            List<String> files = List.of(a.get(a.indexOf("--files") + 1).split(","));
            assertEquals(List.of("variant.conf", "other.conf"), files.stream()
                    .map(f -> Path.of(f).getFileName().toString()).toList(), script);
            assertFalse(Files.exists(Path.of(files.get(0))), script + ": the shipped copies are removed on exit");
            assertEquals(CampaignConfig.load(variant.toFile(), overrides),
                    CampaignConfig.load(r.files().resolve("variant.conf").toFile(), List.of()), script);
            assertEquals(CampaignConfig.load(other.toFile(), overrides),
                    CampaignConfig.load(r.files().resolve("other.conf").toFile(), List.of()), script);
            assertTrue(a.indexOf("spark.driver.memory=1g") > 0, script + ": spark-submit options still pass: " + a);
            assertEquals("cluster", a.get(a.indexOf("--deploy-mode") + 1), script);
            if (script.equals("submit-yarn.sh")) {
                String driver = a.stream().filter(x -> x.startsWith("spark.driver.extraJavaOptions=")).findFirst()
                        .orElseThrow();
                assertTrue(driver.endsWith(" -Dorg.bytedeco.javacpp.cachedir=javacpp-cache"),
                        "the driver runs in a container and unpacks ND4J's natives there: " + driver);
            }
        }
        // client mode: the driver runs here and reads the configs, includes and all, itself
        Run client = submit("submit-yarn.sh", Map.of("FLIPSTORM_DEPLOY_MODE", "client"), variant.toString(),
                "--set", "campaign.seed=9");
        assertEquals(0, client.status(), client.output());
        assertFalse(client.args().contains("--files"), client.args().toString());
        assertEquals(List.of(variant.toString(), "--set", "campaign.seed=9"),
                client.args().subList(client.args().size() - 3, client.args().size()));
    }

    @Test
    void aConfigThatCannotTravelIsRefusedBeforeAnythingIsSubmitted() throws Exception {
        Path lost = Files.writeString(dir.resolve("b/lost.conf"), "include \"base.conf\"\ncampaign { name = x }\n");
        Path twin = Files.createDirectories(dir.resolve("c")).resolve("other.conf");
        Files.copy(other, twin);
        Map<List<String>, String> cases = Map.of(
                List.of(lost.toString()), "includes a file that cannot be read (base.conf",
                List.of(other.toString(), twin.toString()), "two campaign configs are named other.conf",
                List.of(dir.resolve("nowhere.conf").toString()), "campaign config " + dir.resolve("nowhere.conf")
                        + " does not exist",
                List.of(other.toString(), "--sett", "x=1"), "unknown campaign option '--sett'");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            for (String script : List.of("submit-yarn.sh", "submit-k8s.sh")) {
                List<String> args = new ArrayList<>(script.equals("submit-k8s.sh")
                        ? List.of("https://api:6443", "image") : List.of());
                args.addAll(c.getKey());
                Run r = submit(script, Map.of(), args.toArray(String[]::new));
                assertEquals(2, r.status(), script + " " + c.getKey() + ": " + r.output());
                assertTrue(r.output().contains(c.getValue()), script + ": " + r.output());
                assertEquals(null, r.args(), script + ": spark-submit ran for " + c.getKey());
            }
        }
    }
}
