package org.flipstorm.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;

/**
 * {@code plan CONFIG [--set key=value ...] [--calibrate N]}: prints a campaign's plan without
 * running it: every group with its population and trials (exhaustive groups marked), the totals,
 * and the estimated run time from a short calibration (the first shard's first N trials run on this
 * JVM, no Spark).
 */
public final class PlanMain {
    private PlanMain() {}

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        int status = run(argv, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        int calibrate = 256;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--calibrate") && i + 1 < argv.length) {
                try {
                    calibrate = Integer.parseInt(argv[++i]);
                } catch (NumberFormatException e) {
                    err.println("plan: --calibrate needs a whole number of trials, got '" + argv[i] + "'");
                    return CampaignMain.EXIT_BAD_INPUT;
                }
            } else {
                rest.add(argv[i]);
            }
        }
        PreparedCampaign p;
        try {
            p = PreparedCampaign.of(CampaignMain.parse(rest.toArray(String[]::new)));
        } catch (IllegalArgumentException | ZooException | IOException e) {
            err.println("plan: " + e.getMessage());
            return CampaignMain.EXIT_BAD_INPUT;
        }
        CampaignSpec spec = p.spec();
        Sampling s = spec.sampling();
        out.printf(Locale.ROOT, "campaign %s: model %s, %d of %d images eligible (%s), groups by %s, %s%n",
                spec.name(), p.card().modelId(), p.eligibleImages().length, spec.images().count(), s.eligible(),
                s.groups(), s.target().equals(Sampling.MARGIN) ? String.format(Locale.ROOT,
                        "+-%.2f%% at %.0f%% confidence (Leveugle et al. 2009, finite population)", s.margin() * 100,
                        s.confidence() * 100) : spec.trialsPerLayer() + " trials per group");
        out.printf(Locale.ROOT, "%-5s %-16s %4s %16s %12s%n", "group", "layer", "bit", "population", "trials");
        for (TrialPlanner.Group g : p.groups()) {
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
            ShardRunner.run(p.context(), probe); // warm-up: model load, JIT
            long t0 = System.nanoTime();
            ShardRunner.run(p.context(), probe);
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
