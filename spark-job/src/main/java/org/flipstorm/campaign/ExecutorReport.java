package org.flipstorm.campaign;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import org.apache.spark.SparkEnv;
import org.bytedeco.javacpp.Loader;
import org.flipstorm.zoo.runtime.Dl4jRuntime;

/**
 * What the JVM that ran a shard says about itself, stored in the shard's commit marker: which
 * executor on which host, which path its DL4J convolutions took, its OpenMP threads and where
 * JavaCPP unpacked the native libraries. On a cluster this is the only place an executor's
 * settings can be checked after the fact (the driver's own answer says nothing about them).
 *
 * @param executorId Spark's executor id ("driver" in local mode)
 * @param host the executor's host name
 * @param convolutionPath {@link Dl4jRuntime.ConvolutionPath#id()} of this JVM
 * @param ompThreads the OMP_NUM_THREADS the JVM was started with, or null when unset
 * @param javacppCache the directory JavaCPP unpacked native libraries into
 * @param workingDir the JVM's working directory (a container's directory on YARN)
 */
public record ExecutorReport(String executorId,
                             String host,
                             String convolutionPath,
                             String ompThreads,
                             String javacppCache,
                             String workingDir) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static volatile ExecutorReport current;

    /** This JVM's report, worked out once (the convolution probe runs a one-layer network). */
    static ExecutorReport current() {
        ExecutorReport r = current;
        if (r == null) {
            synchronized (ExecutorReport.class) {
                if (current == null) {
                    current = measure();
                }
                r = current;
            }
        }
        return r;
    }

    private static ExecutorReport measure() {
        SparkEnv env = SparkEnv.get();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        String cache;
        try {
            cache = Loader.getCacheDir().getAbsolutePath();
        } catch (IOException e) {
            cache = "unavailable: " + e.getMessage();
        }
        return new ExecutorReport(env == null ? "none" : env.executorId(), host,
                Dl4jRuntime.convolutionPath().id(), System.getenv("OMP_NUM_THREADS"), cache,
                new File("").getAbsolutePath());
    }

    /** One line: id, host, convolutions, threads. */
    String describe() {
        return "executor " + executorId + " on " + host + ": convolutions " + convolutionPath + ", OMP_NUM_THREADS "
                + (ompThreads == null ? "unset" : ompThreads);
    }
}
