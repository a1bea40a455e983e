package org.flipstorm.campaign;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Gives each task as many OpenMP threads as cores Spark gave it, so that tasks x threads = cores.
 * OpenMP's thread count is a setting of the calling thread, so a task's native work (oneDNN's
 * convolutions among it) runs on the count set here while the JVM's other tasks keep theirs.
 *
 * <p>On a cluster a task has {@code spark.task.cpus} cores. In local mode, {@code local[N]} runs N
 * tasks at once on this machine's cores, so each gets cores / N (at least one); {@code local[*]}
 * gets one. Without it the launcher's OMP_NUM_THREADS (all cores) went to every task: on
 * {@code local[2]}, four threads on two cores.
 */
final class TaskThreads {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\s*\\d+)?])?");

    private TaskThreads() {}

    /**
     * Threads for a task of {@code cpus} cores under {@code master} on a machine of {@code cores}
     * cores.
     */
    static int forTask(String master, int cpus, int cores) {
        Matcher m = LOCAL.matcher(master == null ? "" : master.trim());
        if (m.matches()) {
            String n = m.group(1);
            int slots = n == null ? 1 : n.equals("*") ? cores : Integer.parseInt(n);
            return Math.max(1, cores / Math.max(1, slots));
        }
        return Math.max(1, cpus);
    }

    /**
     * Sets this thread's OpenMP threads for the running task and returns the count, or returns the
     * thread's current count when no task runs here (a test calling the runner directly).
     */
    static int applyToThisTask() {
        var ops = nativeOps();
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        if (task == null || env == null) {
            return ops.ompGetMaxThreads();
        }
        return apply(forTask(env.conf().get("spark.master", ""), task.cpus(), Runtime.getRuntime().availableProcessors()));
    }

    /** ND4J's native operations, its backend loaded first (the holder alone does not find the native build). */
    private static org.nd4j.nativeblas.NativeOps nativeOps() {
        org.nd4j.linalg.factory.Nd4j.getExecutioner();
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    /** Sets the calling thread's OpenMP threads; returns the count OpenMP now reports for it. */
    static int apply(int threads) {
        var ops = nativeOps();
        ops.setOmpNumThreads(threads);
        return ops.ompGetMaxThreads();
    }
}
