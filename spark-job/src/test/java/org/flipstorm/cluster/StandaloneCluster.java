package org.flipstorm.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on 127.0.0.1, started from the Maven jars: one Master and {@code n}
 * Workers, each its own JVM, plus drivers started with {@code SparkSubmit} in client mode, the way
 * {@code submit-scripts/submit-standalone.sh} does.
 *
 * <p>The cluster's "installation" is Spark's own dependency tree (the module's class path without
 * DL4J, ND4J and FlipStorm), so executors find FlipStorm and DL4J only in the shaded job jar the
 * driver ships with {@code spark.jars}: the same split as on a real cluster. A Worker needs
 * {@code SPARK_HOME} with a {@code jars/} folder (left empty), {@code SPARK_SCALA_VERSION} and
 * {@code SPARK_DIST_CLASSPATH} to launch executors.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** Class-path entries a Spark installation does not have: the job and DL4J bring them in the job jar. */
    private static final List<String> NOT_SPARK = List.of("/org/nd4j/", "/org/bytedeco/", "/org/deeplearning4j/",
            "/com/jakewharton/", "/net/ericaro/", "/com/github/oshi/", "/net/java/dev/jna/", "/org/threeten/",
            "/it/unimi/dsi/", "/com/typesafe/config/", "/org/flipstorm/", "flipstorm-", "/target/classes",
            "/target/test-classes", "/org/junit/", "/org/openjdk/jmh/", "/org/duckdb/", "/org/knowm/",
            "/dev/langchain4j/", "/com/microsoft/onnxruntime/", "/ai/djl/");

    private final Path home;
    private final String distClasspath;
    private final List<String> jvmOptions;
    private final int masterPort;
    private final int masterWebPort;
    private final List<Process> workers = new ArrayList<>();
    private final List<Process> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reaper = new Thread(this::close, "standalone-cluster-reaper");

    /**
     * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores each and waits
     * until all are registered.
     *
     * @param home scratch directory (SPARK_HOME, logs, work dirs)
     * @param moduleClasspath the job module's full runtime class path (target/classpath.txt)
     * @param jvmOptions options for every JVM (conf/jvm.options: Java 17 opens, DL4J settings)
     */
    public StandaloneCluster(Path home, String moduleClasspath, List<String> jvmOptions, int workers,
                             int coresPerWorker, String workerMemory) throws IOException, InterruptedException {
        this.home = home;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.distClasspath = sparkOnly(moduleClasspath);
        Runtime.getRuntime().addShutdownHook(reaper); // no JVM outlives a test JVM that exits
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("logs"));
        masterPort = freePort();
        masterWebPort = freePort();
        start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(masterPort), "--webui-port", Integer.toString(masterWebPort)), Map.of());
        awaitLog("master", "I have been elected leader", Duration.ofSeconds(60));
        for (int i = 0; i < workers; i++) {
            String name = "worker-" + i;
            Path work = Files.createDirectories(home.resolve("work-" + i));
            this.workers.add(start(name, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", Integer.toString(coresPerWorker), "--memory", workerMemory, "--webui-port",
                    Integer.toString(freePort()), "--work-dir", work.toString(), masterUrl()), Map.of()));
        }
        for (int i = 0; i < workers; i++) {
            awaitLog("worker-" + i, "Successfully registered with master", Duration.ofSeconds(60));
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The class path of the Spark "installation": the module's class path without DL4J and FlipStorm. */
    public String distClasspath() {
        return distClasspath;
    }

    /** The Worker processes, in start order. */
    public List<Process> workers() {
        return List.copyOf(workers);
    }

    /** Kills a Worker and the executors it launched, at once (SIGKILL): a machine that died. */
    public void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        List<ProcessHandle> children = w.descendants().toList();
        w.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        w.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Starts {@code SparkSubmit} in client mode: the driver runs in the new process, with only
     * Spark on its class path and {@code appJar} (the shaded job jar) as the application.
     *
     * @param name log name (the output goes to {@code logs/NAME.log})
     * @param conf extra {@code --conf key=value} settings
     * @param appArgs the job's arguments
     */
    public Process submit(String name, String master, Path appJar, String mainClass, Map<String, String> conf,
                          List<String> appArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master,
                "--deploy-mode", "client", "--class", mainClass));
        String opts = String.join(" ", jvmOptions);
        conf.forEach((k, v) -> {
            args.add("--conf");
            args.add(k + "=" + v);
        });
        args.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + opts, "--conf",
                "spark.executor.extraJavaOptions=" + opts, "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false"));
        args.add(appJar.toString());
        args.addAll(appArgs);
        return start(name, args, Map.of());
    }

    /** What a process wrote so far (stdout and stderr). */
    public String log(String name) {
        try {
            Path f = home.resolve("logs").resolve(name + ".log");
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Process start(String name, List<String> mainAndArgs, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(distClasspath);
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve("logs").resolve(name + ".log").toFile());
        Map<String, String> e = pb.environment();
        e.put("SPARK_HOME", home.toString());
        e.put("SPARK_SCALA_VERSION", "2.13");
        e.put("SPARK_DIST_CLASSPATH", distClasspath);
        e.put("SPARK_LOCAL_IP", "127.0.0.1");
        e.put("SPARK_LOG_DIR", home.resolve("logs").toString());
        e.put("OMP_NUM_THREADS", "1");
        e.putAll(env);
        Process p = pb.start();
        all.add(p);
        return p;
    }

    private void awaitLog(String name, String text, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (log(name).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout + "; its log:\n"
                + log(name));
    }

    static String sparkOnly(String classpath) {
        return Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(p -> !p.isBlank() && NOT_SPARK.stream().noneMatch(p::contains))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops every process of the cluster. */
    @Override
    public void close() {
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}
