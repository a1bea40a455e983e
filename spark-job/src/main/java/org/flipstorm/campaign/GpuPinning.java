package org.flipstorm.campaign;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * On GPU executors ({@code spark.executor.resource.gpu.amount} and
 * {@code spark.task.resource.gpu.amount} set, discovery by {@code conf/gpu-discovery.sh}), pins the
 * task's thread to the GPU Spark assigned it, so ND4J's CUDA backend computes there. On the CPU
 * backend, or without GPU resources, it does nothing. Not runnable on the project's CPU-only
 * machines; kept small so its logic is plain.
 */
final class GpuPinning {
    private GpuPinning() {}

    /** The GPU address Spark assigned to the running task, or -1. */
    static int assignedGpu() {
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return -1;
        }
        scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return -1;
        }
        return Integer.parseInt(gpu.get().addresses()[0].trim());
    }

    /** Pins this thread to the assigned GPU when ND4J runs on CUDA; returns the device or -1. */
    static int pin() {
        int device = assignedGpu();
        if (device < 0 || !Nd4j.getBackend().getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("cuda")) {
            return -1;
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        return device;
    }
}
