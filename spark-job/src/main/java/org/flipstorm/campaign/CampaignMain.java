package org.flipstorm.campaign;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;

/**
 * {@code campaign CONFIG [--set key=value ...]}: runs a fault-injection campaign.
 *
 * <p>{@code --set} takes HOCON, e.g. {@code --set campaign.trials-per-layer=100}. Every mistake in
 * the config is reported as one line on stderr with exit status 2, before Spark starts and before
 * anything is written.
 */
public final class CampaignMain {
    /** Exit status for bad input (config, model, data). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status for a failure while running. */
    public static final int EXIT_FAILED = 1;

    private CampaignMain() {}

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        int status = run(argv, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the exit status instead of exiting (for tests). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        PreparedCampaign prepared;
        try {
            CampaignSpec spec = parse(argv);
            prepared = PreparedCampaign.of(spec);
            CampaignRunner.checkOutput(prepared);
        } catch (IllegalArgumentException | ZooException e) {
            err.println("campaign: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("campaign: cannot read input: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        try {
            out.println("DL4J convolutions: " + Dl4jRuntime.convolutionPath().id());
            CampaignRunner.Result r = CampaignRunner.run(prepared, out);
            String what = r.trialsRun() == r.trials()
                    ? String.format(Locale.ROOT, "%,d trials in %.1f s (%,.0f trials/s)", r.trials(), r.wallSeconds(),
                            r.trialsPerSecond())
                    : r.trialsRun() == 0
                    ? String.format(Locale.ROOT, "all %,d trials were committed before; nothing ran", r.trials())
                    : String.format(Locale.ROOT, "%,d trials, %,d of them run now in %.1f s (%,.0f trials/s)",
                            r.trials(), r.trialsRun(), r.wallSeconds(), r.trialsPerSecond());
            out.printf(Locale.ROOT, "done: %s; Parquet in %s/%s, manifest %s/%s%n", what, r.campaignDir(),
                    CampaignRunner.TRIALS_DIR, r.campaignDir(), CampaignRunner.MANIFEST);
            out.println("campaign directory: " + r.campaignDir());
            return 0;
        } catch (Exception e) { // SparkException is checked, yet thrown undeclared from Scala
            if (CampaignRunner.outOfSpace(e)) {
                err.println("campaign: the output " + prepared.spec().output() + " ran out of space; every shard"
                        + " committed so far is kept: free space and rerun the same command to resume");
                return EXIT_BAD_INPUT;
            }
            err.println("campaign: failed: " + CampaignRunner.firstLine(e) + "; committed shards are kept, rerun to"
                    + " resume (stack trace with -Dflipstorm.trace=true)");
            if (Boolean.getBoolean("flipstorm.trace")) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        }
    }

    static CampaignSpec parse(String[] argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("usage: campaign CONFIG.conf [--set campaign.key=value ...]");
        }
        String config = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--set")) {
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("--set needs a value such as campaign.seed=7");
                }
                overrides.add(argv[++i]);
            } else if (argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + argv[i] + "; expected --set key=value");
            } else if (config == null) {
                config = argv[i];
            } else {
                throw new IllegalArgumentException("more than one config given: " + config + " and " + argv[i]);
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("no config given; usage: campaign CONFIG.conf [--set key=value ...]");
        }
        return CampaignConfig.load(new File(config), overrides);
    }
}
