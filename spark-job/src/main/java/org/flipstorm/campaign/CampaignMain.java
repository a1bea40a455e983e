package org.flipstorm.campaign;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code campaign CONFIG [--set key=value ...]}: runs a fault-injection campaign.
 *
 * <p>{@code --set} takes HOCON, e.g. {@code --set campaign.trials-per-layer=100}. Every mistake in
 * the config is reported as one line on stderr with exit status 2, before Spark starts and before
 * anything is written.
 */
@Command(name = "campaign", sortOptions = false, description = "Runs a fault-injection campaign on Spark: plans"
        + " the trials, runs them on the executors and commits one Parquet row per trial. A rerun of the same"
        + " campaign resumes from its committed shards.", exitCodeListHeading = "Exit status:%n", exitCodeList = {
            "0:every trial is committed",
            "2:bad input (config, model, data, output), or the output ran out of space; nothing half-written",
            "1:a failure while running; committed shards are kept, rerun to resume"})
public final class CampaignMain implements Callable<Integer> {
    /** Exit status for bad input (config, model, data). */
    public static final int EXIT_BAD_INPUT = Cli.USAGE;
    /** Exit status for a failure while running. */
    public static final int EXIT_FAILED = Cli.FAILED;

    @Mixin
    HelpOption help;
    @Mixin
    ConfigArgs config;
    private final PrintStream out;
    private final PrintStream err;

    /** The command on the standard streams. */
    public CampaignMain() {
        this(System.out, System.err);
    }

    private CampaignMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(new CampaignMain(), argv);
    }

    /** Runs the command; returns the exit status instead of exiting (for tests). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new CampaignMain(out, err), argv, out, err);
    }

    @Override
    public Integer call() {
        Dl4jRuntime.requireBackend();
        PreparedCampaign prepared;
        try {
            prepared = PreparedCampaign.of(config.spec());
            CampaignOutput.check(prepared);
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read input: " + e.getMessage(), e);
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
                    CampaignLayout.TRIALS_DIR, r.campaignDir(), CampaignLayout.MANIFEST);
            out.println("campaign directory: " + r.campaignDir());
            return 0;
        } catch (Exception e) { // SparkException is checked, yet thrown undeclared from Scala
            if (Failures.outOfSpace(e)) {
                err.println("campaign: the output " + prepared.spec().output() + " ran out of space; every shard"
                        + " committed so far is kept: free space and rerun the same command to resume");
                return EXIT_BAD_INPUT;
            }
            err.println("campaign: failed: " + Failures.firstLine(e) + "; committed shards are kept, rerun to"
                    + " resume (stack trace with -Dflipstorm.trace=true)");
            if (Boolean.getBoolean("flipstorm.trace")) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        }
    }

    /** Parses {@code CONFIG [--set key=value ...]} into a spec (for tests). */
    static CampaignSpec parse(String... argv) {
        return CommandLine.populateCommand(new ConfigArgs(), argv).spec();
    }

    /** The campaign config and its overrides, shared by {@code campaign} and {@code plan}. */
    static final class ConfigArgs {
        @Parameters(index = "0", paramLabel = "CONFIG", description = "Campaign config (HOCON), e.g. conf/local.conf;"
                + " every key and its default: spark-job/src/main/resources/reference.conf.")
        File file;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key in HOCON, e.g. --set"
                + " campaign.trials-per-layer=100 or --set 'campaign.layers=[conv1, conv2]' (repeatable).")
        List<String> overrides = new ArrayList<>();

        CampaignSpec spec() {
            return CampaignConfig.load(file, overrides);
        }
    }
}
