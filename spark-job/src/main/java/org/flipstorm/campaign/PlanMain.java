package org.flipstorm.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plan CONFIG [--set key=value ...] [--calibrate N]}: prints a campaign's plan without
 * running it: every group with its population and trials (exhaustive groups marked), the totals,
 * and the estimated run time from a short calibration (the first shard's first N trials run on this
 * JVM, no Spark).
 */
@Command(name = "plan", sortOptions = false, description = "Prints a campaign's plan without running it: every"
        + " group with its population and trials, the totals, and the estimated run time from a short calibration"
        + " on this JVM (no Spark).")
public final class PlanMain implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Mixin
    CampaignMain.ConfigArgs config;
    @Option(names = "--calibrate", paramLabel = "N", defaultValue = "256", description = "Trials of the first shard"
            + " run to estimate the time; 0 skips it (default: ${DEFAULT-VALUE}).")
    int calibrate;
    private final PrintStream out;

    /** The command on standard output. */
    public PlanMain() {
        this(System.out);
    }

    private PlanMain(PrintStream out) {
        this.out = out;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(new PlanMain(), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new PlanMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        Dl4jRuntime.requireBackend();
        PreparedCampaign p;
        try {
            p = PreparedCampaign.of(config.spec());
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        CampaignSpec spec = p.spec();
        Sampling s = spec.sampling();
        out.printf(Locale.ROOT, "campaign %s: model %s, %d of %d images eligible (%s), groups by %s, %s%n",
                spec.name(), p.card().modelId(), p.eligibleImages().length, spec.images().count(), s.eligible().id(),
                s.groups().id(), s.target() == Sampling.Target.MARGIN ? String.format(Locale.ROOT,
                        "+-%.2f%% at %.0f%% confidence (Leveugle et al. 2009, finite population)", s.margin() * 100,
                        s.confidence() * 100) : spec.trialsPerLayer() + " trials per group");
        out.printf(Locale.ROOT, "%-5s %-16s %4s %16s %12s%n", "group", "layer", "bit", "population", "trials");
        for (TrialGroup g : p.groups()) {
            out.printf(Locale.ROOT, "%-5d %-16s %4s %,16d %,12d%s%n", g.groupId(), g.layer().name(),
                    g.bit() < 0 ? "all" : Integer.toString(g.bit()), g.population(), g.trials(),
                    g.exhaustive() ? "  (exhaustive)" : "");
        }
        List<Shard> shards = p.shards();
        out.printf(Locale.ROOT, "total: %,d trials in %d groups, %d shards%n", p.plannedTrials(), p.groups().size(),
                shards.size());
        if (s.adaptive()) {
            out.printf(Locale.ROOT, "adaptive stop: the total is the most it runs; rounds of %d trials per group"
                    + " growing %.2fx (up to %d rounds), each group stopping once its Wilson interval is within"
                    + " +-%.2f%%%n", s.firstRound(), s.growth(), RoundSchedule.rounds(s, p.groups()),
                    100 * s.margin());
        }
        if (calibrate > 0 && !shards.isEmpty()) {
            Shard first = shards.get(0);
            List<Trial> sample = first.trials().subList(0, Math.min(calibrate, first.trials().size()));
            Shard probe = new Shard(first.shardId(), sample.stream().mapToInt(Trial::imageIndex).distinct().sorted()
                    .toArray(), sample);
            ShardRunner.run(p.context(), probe, Map.of(), new java.util.HashMap<>()); // warm-up: model load, JIT
            long t0 = System.nanoTime();
            ShardRunner.run(p.context(), probe, Map.of(), new java.util.HashMap<>());
            double secs = (System.nanoTime() - t0) / 1e9;
            double rate = sample.size() / secs;
            out.printf(Locale.ROOT, "calibration: %d trials in %.2f s on this JVM = %,.0f trials/s per task;"
                    + " estimated %.0f s for the campaign in one task (divide by the parallel tasks, i.e. executor"
                    + " cores, that share the CPU or GPU capacity)%n", sample.size(), secs, rate,
                    p.plannedTrials() / rate);
        }
        return 0;
    }
}
