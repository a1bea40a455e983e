package org.flipstorm.bench;

import java.util.concurrent.TimeUnit;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Trials per second of the ways to run faults (FlipStorm with and without early masking), over the convolution and dense layers of a
 * network: one op = {@link #faultsPerSite} trials at every such layer, over 8 images
 * (trials/s = ops/s x trials per op, printed by the report).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {
    @Param({"lenet", "resnet20"})
    public String model;

    /**
     * flipstorm: the engine's default (every fault beside a clean row, early masking);
     * flipstorm-golden: golden reuse (near-tie 1e-4); flipstorm-cone: golden reuse through each
     * fault's cone of influence.
     */
    @Param({"naive", "batched-naive", "flipstorm-nomask", "flipstorm", "flipstorm-golden", "flipstorm-cone"})
    public String method;

    /** Rows per batch for batched-naive and FlipStorm (the engine's max batch). */
    @Param({"128"})
    public int batch;

    @Param({"64"})
    public int faultsPerSite;

    /** "all" target sites, or the k-th one alone (for the per-layer table). */
    @Param({"all"})
    public String site;

    private Injectors.Workload workload;
    private InjectionEngine engine;
    private InjectionEngine engineNoMask;
    private InjectionEngine engineGolden;
    private InjectionEngine engineCone;

    @Setup
    public void setUp() {
        Dl4jRuntime.configure();
        workload = new Injectors.Workload(model, 8, faultsPerSite, 42);
        if (!site.equals("all")) {
            workload = workload.only(Integer.parseInt(site));
        }
        engine = new InjectionEngine(workload.network, batch, true);
        engineNoMask = new InjectionEngine(workload.network, batch, false);
        engineGolden = new InjectionEngine(workload.network, batch, true, InjectionEngine.DEFAULT_NEAR_TIE, false);
        engineCone = new InjectionEngine(workload.network, batch, true, InjectionEngine.DEFAULT_NEAR_TIE, true);
    }

    @Benchmark
    public double run() {
        return switch (method) {
            case "naive" -> Injectors.naive(workload);
            case "batched-naive" -> Injectors.batchedNaive(workload, batch);
            case "flipstorm" -> Injectors.flipstorm(workload, engine);
            case "flipstorm-nomask" -> Injectors.flipstorm(workload, engineNoMask);
            case "flipstorm-golden" -> Injectors.flipstorm(workload, engineGolden);
            case "flipstorm-cone" -> Injectors.flipstorm(workload, engineCone);
            default -> throw new IllegalArgumentException("unknown method " + method);
        };
    }

    /** Trials in one op, for the report. */
    public static int trialsPerOp(String model, int faultsPerSite, String site) {
        return site.equals("all") ? new Injectors.Workload(model, 8, faultsPerSite, 42).sites.length * faultsPerSite
                : faultsPerSite;
    }

    /** Name of the k-th target site of a model, for the report. */
    public static String siteName(String model, String site) {
        if (site.equals("all")) {
            return "all";
        }
        Injectors.Workload w = new Injectors.Workload(model, 1, 1, 42);
        return w.network.names().get(w.sites[Integer.parseInt(site)]);
    }
}
