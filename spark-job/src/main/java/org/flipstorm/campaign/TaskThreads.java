package org.flipstorm.campaign;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The OpenMP threads of a task's native work (oneDNN's convolutions among it), chosen by the Spark
 * setting {@value #SETTING}: {@code inherit} (the default) keeps the JVM's OMP_NUM_THREADS;
 * {@code fit} gives each task as many threads as cores Spark gave it, so that tasks x threads =
 * cores; a number gives each task that many. OpenMP's thread count is a setting of the calling
 * thread, so a task's count leaves the JVM's other tasks theirs.
 *
 * <p>With {@code fit}, a task on a cluster has {@code spark.task.cpus} cores; in local mode
 * {@code local[N]} runs N tasks at once on this machine's cores, so each gets cores / N (at least
 * one), and {@code local[*]} one. Measured on a 2-core VM (docs/PERFORMANCE.md), a 21,600-trial
 * ResNet-20 campaign on {@code local[2]} ran 26-30 s with two threads per task (inherit) and 37-39 s
 * with one (fit): a task's work is not all parallel native code, and a second thread fills its gaps.
 */
final class TaskThreads {
    /** The Spark setting that chooses: inherit, fit or a number. */
    static final String SETTING = "spark.flipstorm.taskOmpThreads";
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
        String choice = env.conf().get(SETTING, "inherit").trim();
        if (choice.equals("inherit")) {
            return ops.ompGetMaxThreads();
        }
        if (choice.equals("fit")) {
            return apply(forTask(env.conf().get("spark.master", ""), task.cpus(), Runtime.getRuntime().availableProcessors()));
        }
        return apply(parseCount(choice));
    }

    /** A thread count of the setting: a whole number >= 1. */
    static int parseCount(String choice) {
        try {
            int n = Integer.parseInt(choice);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(SETTING + " = '" + choice + "'; expected inherit, fit or a number of threads >= 1");
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
