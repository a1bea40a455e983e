package org.flipstorm.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit line the cluster scripts build, recorded by a spark-submit that writes its
 * arguments to a file (a real submission is the cluster integration tests' job): the settings come
 * from conf/spark-defaults.conf and conf/jvm.options, options after "--" reach spark-submit before
 * the jar, and a missing SPARK_HOME is reported before anything is built.
 */
class SubmitScriptsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path fakeSparkHome() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$RECORD\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("spark");
    }

    private record Run(int status, String output) {}

    private Run run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void standaloneSubmitUsesTheOneFileOfEachSettingAndPassesOptionsThrough() throws Exception {
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        Path record = dir.resolve("args.txt");
        String config = ROOT.resolve("conf/cluster.conf").toString();
        Run r = run(Map.of("SPARK_HOME", fakeSparkHome().toString(), "RECORD", record.toString(),
                        "FLIPSTORM_JOB_JAR", jar.toString(), "FLIPSTORM_EXECUTOR_MEMORY", "3g"),
                ROOT.resolve("submit-scripts/submit-standalone.sh").toString(), "spark://h:7077", config,
                "--set", "campaign.seed=9", "--", "--conf", "spark.executor.instances=5");
        assertEquals(0, r.status(), r.output());
        List<String> a = Files.readAllLines(record);
        int jarAt = a.indexOf(jar.toString());
        assertTrue(jarAt > 0, a.toString());
        assertEquals(List.of(config, "--set", "campaign.seed=9"), a.subList(jarAt + 1, a.size()));
        assertEquals(ROOT.resolve("conf/spark-defaults.conf").toString(), a.get(a.indexOf("--properties-file") + 1));
        assertTrue(a.indexOf("spark.executor.instances=5") < jarAt && a.indexOf("spark.executor.instances=5") > 0,
                "options after -- reach spark-submit before the jar: " + a);
        assertTrue(a.contains("spark.executor.memory=3g"), a.toString());
        String executor = a.stream().filter(s -> s.startsWith("spark.executor.extraJavaOptions=")).findFirst()
                .orElseThrow();
        String driver = a.stream().filter(s -> s.startsWith("spark.driver.extraJavaOptions=")).findFirst()
                .orElseThrow();
        for (String option : JvmOptionsTest.options()) {
            assertTrue(executor.contains(option) && driver.contains(option), option);
        }
        assertTrue(executor.contains("-Dorg.bytedeco.javacpp.maxbytes=512m"), "spark-defaults.conf's bounds: " + executor);
    }

    /**
     * The deploy mode, the queue and JavaCPP's cache in the container's directory. Client mode here:
     * cluster mode first makes each config self-contained with the job jar, which this module has
     * not got ({@code ShippedConfigTest} in spark-job runs that with the real classes).
     */
    @Test
    void yarnPassesModeAndQueueAndKeepsJavaCppInTheContainer() throws Exception {
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        Path config = Files.writeString(dir.resolve("c.conf"), "campaign {}");
        Path record = dir.resolve("args.txt");
        String cache = "-Dorg.bytedeco.javacpp.cachedir=javacpp-cache";
        Run r = run(Map.of("SPARK_HOME", fakeSparkHome().toString(), "RECORD", record.toString(),
                        "FLIPSTORM_JOB_JAR", jar.toString(), "HADOOP_CONF_DIR", dir.toString(),
                        "FLIPSTORM_DEPLOY_MODE", "client", "FLIPSTORM_QUEUE", "q"),
                ROOT.resolve("submit-scripts/submit-yarn.sh").toString(), config.toString(), "--set", "x=1");
        assertEquals(0, r.status(), r.output());
        List<String> a = Files.readAllLines(record);
        assertEquals("client", a.get(a.indexOf("--deploy-mode") + 1));
        assertEquals("q", a.get(a.indexOf("--queue") + 1));
        int jarAt = a.indexOf(jar.toString());
        String executor = a.stream().filter(x -> x.startsWith("spark.executor.extraJavaOptions=")).findFirst()
                .orElseThrow();
        String driver = a.stream().filter(x -> x.startsWith("spark.driver.extraJavaOptions=")).findFirst()
                .orElseThrow();
        assertTrue(executor.endsWith(" " + cache), executor);
        assertFalse(a.contains("--files"), a.toString());
        assertEquals(List.of(config.toString(), "--set", "x=1"), a.subList(jarAt + 1, a.size()));
        assertFalse(driver.contains(cache), "a client-mode driver runs here: " + driver);
        Run bad = run(Map.of("FLIPSTORM_DEPLOY_MODE", "remote"), ROOT.resolve("submit-scripts/submit-yarn.sh")
                .toString(), config.toString());
        assertEquals(2, bad.status());
        assertEquals("FLIPSTORM_DEPLOY_MODE must be cluster or client; got 'remote'", bad.output().strip());
    }

    @Test
    void helpPrintsTheScriptsOwnUsageWithoutSpark() throws Exception {
        for (String script : List.of("submit-standalone.sh", "submit-yarn.sh", "submit-k8s.sh")) {
            Run r = run(Map.of(), ROOT.resolve("submit-scripts/" + script).toString(), "--help");
            assertEquals(0, r.status(), script + ": " + r.output());
            assertTrue(r.output().startsWith("Submits a campaign"), script + ": " + r.output());
            assertTrue(r.output().contains("submit-scripts/" + script + " "), script + ": " + r.output());
            assertFalse(r.output().contains("set -euo") || r.output().contains("#"), script + ": " + r.output());
        }
    }

    @Test
    void aMissingSparkHomeIsOneLineBeforeAnyBuild() throws Exception {
        for (String script : List.of("submit-standalone.sh", "submit-yarn.sh", "submit-k8s.sh")) {
            List<String> args = switch (script) {
                case "submit-standalone.sh" -> List.of("spark://h:7077", "conf/cluster.conf");
                case "submit-k8s.sh" -> List.of("https://api:6443", "image", "conf/cluster.conf");
                default -> List.of("conf/cluster.conf");
            };
            String[] cmd = new String[args.size() + 1];
            cmd[0] = ROOT.resolve("submit-scripts/" + script).toString();
            for (int i = 0; i < args.size(); i++) {
                cmd[i + 1] = args.get(i);
            }
            Run r = run(Map.of(), cmd);
            assertEquals(2, r.status(), script + ": " + r.output());
            assertTrue(r.output().strip().startsWith("SPARK_HOME must point at a Spark 4.2 installation"),
                    script + ": " + r.output());
            assertFalse(r.output().contains("building"), script + " built before checking: " + r.output());
        }
    }
}
