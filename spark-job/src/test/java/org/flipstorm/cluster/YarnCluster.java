package org.flipstorm.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * HDFS and YARN on 127.0.0.1, from Hadoop's mini clusters in the test JVM (a NameNode, a
 * DataNode, a ResourceManager and {@code n} NodeManagers whose containers are real processes),
 * plus a Spark "installation" for {@code submit-scripts/submit-yarn.sh}: a {@code SPARK_HOME} whose
 * {@code bin/spark-submit} runs Spark's {@code SparkSubmit} on Spark's Maven jars, and a
 * {@code HADOOP_CONF_DIR} that points at the mini clusters.
 *
 * <p>Containers find Spark through {@code spark.yarn.jars} as {@code local:} paths (present on every
 * "node", since all are this machine), the way a cluster with Spark installed on its nodes is
 * configured; FlipStorm and DL4J reach them only in the shaded job jar that YARN localizes.
 */
final class YarnCluster implements AutoCloseable {
    /** The queue campaigns are submitted to. */
    static final String QUEUE = "flipstorm";
    private final Path home;
    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final String distClasspath;
    private final Path sparkHome;
    private final Path hadoopConf;

    /**
     * Starts the clusters: {@code nodeManagers} NodeManagers of {@code memoryMb} and
     * {@code vcores} each (physical-memory checks on, as on a real cluster).
     */
    YarnCluster(Path home, int nodeManagers, int memoryMb, int vcores) throws IOException, InterruptedException {
        this.home = home;
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, home.resolve("dfs").toString());
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        YarnConfiguration yc = new YarnConfiguration(dfs.getConfiguration(0));
        yc.set("fs.defaultFS", hdfs());
        yc.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        yc.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        yc.setInt(YarnConfiguration.NM_VCORES, vcores);
        yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        // Virtual memory says nothing about a JVM with native libraries mapped; clusters turn it off too.
        yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // A shared development disk may be fuller than YARN's 90% default allows.
        yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
        // Two capacity-scheduler queues; the campaigns go to "flipstorm" (FLIPSTORM_QUEUE), which may
        // grow into the idle "default" one.
        yc.set("yarn.scheduler.capacity.root.queues", "default," + QUEUE);
        yc.set("yarn.scheduler.capacity.root.default.capacity", "50");
        yc.set("yarn.scheduler.capacity.root." + QUEUE + ".capacity", "50");
        yc.set("yarn.scheduler.capacity.root." + QUEUE + ".maximum-capacity", "100");
        // The default 10% of the queue for ApplicationMasters would not fit a cluster-mode driver here.
        yc.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
        yarn = new MiniYARNCluster("flipstorm-yarn", nodeManagers, 1, 1);
        yarn.init(yc);
        yarn.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // start() may return before the ResourceManager has written its real port into the configuration.
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the ResourceManager has no address after 60 s");
            }
            Thread.sleep(100);
        }
        hadoopConf = Files.createDirectories(home.resolve("hadoop-conf"));
        Configuration site = new Configuration(yarn.getConfig());
        // The mini cluster's rack mapping is a Hadoop test class, absent from a client's jars.
        site.unset("net.topology.node.switch.mapping.impl");
        try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
            site.writeXml(out);
        }
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs());
        try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        distClasspath = Arrays.stream(StandaloneCluster.sparkOnly(ClusterFixtures.moduleClasspath())
                        .split(File.pathSeparator))
                .filter(p -> !p.contains("hadoop-client-minicluster")).collect(Collectors.joining(File.pathSeparator));
        sparkHome = writeSparkHome(home.resolve("spark"));
    }

    /** {@code hdfs://127.0.0.1:PORT}. */
    String hdfs() {
        return "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    }

    FileSystem fileSystem() throws IOException {
        return dfs.getFileSystem();
    }

    /** A SPARK_HOME whose bin/spark-submit runs SparkSubmit on Spark's jars and HADOOP_CONF_DIR. */
    private Path writeSparkHome(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("jars"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "#!/usr/bin/env bash\n"
                + "# spark-submit of a Spark installation made of the Maven jars (written by YarnCluster)\n"
                + "exec " + java + " " + String.join(" ", ClusterFixtures.jvmOptions()) + " -Xmx1g -cp \""
                + "$HADOOP_CONF_DIR:" + distClasspath + "\" org.apache.spark.deploy.SparkSubmit \"$@\"\n";
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, script);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /**
     * Runs {@code submit-scripts/submit-yarn.sh CONFIG} in {@code mode} (client or cluster) with two
     * one-core executors; its output goes to {@code logs/NAME.log}.
     */
    Process submit(String name, String mode, Path config) throws IOException {
        Path script = ClusterFixtures.MODULE.resolve("../submit-scripts/submit-yarn.sh").normalize();
        String javaHome = System.getProperty("java.home");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), config.toString(), "--"));
        String jars = Arrays.stream(distClasspath.split(File.pathSeparator)).filter(p -> p.endsWith(".jar"))
                .map(p -> "local:" + p).collect(Collectors.joining(","));
        for (String c : List.of("spark.yarn.jars=" + jars,
                // the containers' JVM: the NodeManagers here have no JAVA_HOME to hand on
                "spark.executorEnv.JAVA_HOME=" + javaHome, "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "spark.driver.host=127.0.0.1", "spark.yarn.am.memory=512m", "spark.driver.memory=1g",
                "spark.yarn.maxAppAttempts=1", "spark.yarn.report.interval=2s")) {
            cmd.add("--conf");
            cmd.add(c);
        }
        Files.createDirectories(home.resolve("logs"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logFile(name).toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("HADOOP_CONF_DIR", hadoopConf.toString());
        env.put("FLIPSTORM_JOB_JAR", ClusterFixtures.jobJar().toString());
        env.put("FLIPSTORM_DEPLOY_MODE", mode);
        env.put("FLIPSTORM_EXECUTORS", "2");
        env.put("FLIPSTORM_QUEUE", QUEUE);
        env.put("FLIPSTORM_EXECUTOR_CORES", "1");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", javaHome);
        return pb.start();
    }

    /**
     * Runs the job jar with this installation's spark-submit on {@code local[2]}, one OpenMP thread
     * per task like the executors (oneDNN's sums may differ in the last bit between thread counts).
     */
    Process submitLocal(String name, Path config) throws IOException {
        Files.createDirectories(home.resolve("logs"));
        ProcessBuilder pb = new ProcessBuilder(sparkHome.resolve("bin/spark-submit").toString(), "--master",
                "local[2]", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--class", ClusterFixtures.MAIN, ClusterFixtures.jobJar().toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(logFile(name).toFile());
        pb.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private Path logFile(String name) {
        return home.resolve("logs").resolve(name + ".log");
    }

    /** What a submission printed, then every container's stderr of the mini cluster's last lines. */
    String log(String name) {
        StringBuilder b = new StringBuilder();
        try {
            b.append(Files.exists(logFile(name)) ? Files.readString(logFile(name), StandardCharsets.UTF_8) : "");
            for (Path p : containerLogs("stderr")) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                b.append("\n--- ").append(p).append(" (last 40 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        } catch (IOException e) {
            b.append("\n(logs unreadable: ").append(e).append(')');
        }
        return b.toString();
    }

    /** Every container log file called {@code name} (stdout, stderr) the NodeManagers kept so far. */
    List<Path> containerLogs(String name) throws IOException {
        Path root = ClusterFixtures.MODULE.resolve("target/flipstorm-yarn");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name)
                    && p.toString().contains("/container_")).sorted().toList();
        }
    }

    /** The executor JVMs YARN's containers run now (processes of this machine). */
    static List<ProcessHandle> executorProcesses() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("")
                        .contains("org.apache.spark.executor.YarnCoarseGrainedExecutorBackend"))
                .filter(p -> !p.info().command().orElse("").endsWith("bash"))
                .toList();
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            dfs.shutdown();
        }
    }
}
