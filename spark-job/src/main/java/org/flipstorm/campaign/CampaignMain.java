package org.flipstorm.campaign;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
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
 * {@code campaign CONFIG [CONFIG ...] [--set key=value ...]}: runs one fault-injection campaign, or
 * several one after another in one JVM and one Spark session.
 *
 * <p>{@code --set} takes HOCON, e.g. {@code --set campaign.trials-per-layer=100}, and applies to every
 * config. Every mistake in a config is reported as one line on stderr with exit status 2, before Spark
 * starts and before anything is written. With several configs, all are parsed first (a mistake in any
 * refuses the whole series); each campaign's model, images and output are then checked when its turn
 * comes, so a series never holds more than one campaign's images. A campaign that fails or is refused
 * then is reported and the series goes on; the exit status is the first non-zero one. The campaigns
 * after the first start warm: the JVM's compiled code, the Spark session and oneDNN's kernels are
 * already there (a 21,600-trial ResNet-20 campaign ran in 5.6-6.9 s after a first one of 12.6 s,
 * docs/PERFORMANCE.md "Small campaigns: the fixed cost, and campaigns in series").
 */
@Command(name = "campaign", sortOptions = false, description = "Runs a fault-injection campaign on Spark: plans"
        + " the trials, runs them on the executors and commits one Parquet row per trial. A rerun of the same"
        + " campaign resumes from its committed shards. Several configs run one after another in one Spark"
        + " session, the later ones without the JVM's and Spark's start-up cost.", exitCodeListHeading = "Exit"
        + " status (with several configs, the first non-zero one):%n", exitCodeList = {
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
    @Parameters(arity = "1..*", paramLabel = "CONFIG", description = ConfigArgs.CONFIG_HELP
            + " Several run one after another in one Spark session.")
    List<File> files = new ArrayList<>();
    @Mixin
    Overrides set;
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
        if (files.size() == 1) {
            return runOne(CampaignConfig.load(files.get(0), set.overrides));
        }
        List<CampaignSpec> specs = series(files, set.overrides);
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        SparkSession created = active.isDefined() ? null : SparkSessions.create(specs.get(0));
        int status = 0;
        int complete = 0;
        try {
            for (int i = 0; i < specs.size(); i++) {
                out.printf(Locale.ROOT, "== campaign %d of %d: %s%n", i + 1, specs.size(), files.get(i));
                int s;
                try {
                    s = runOne(specs.get(i));
                } catch (IllegalArgumentException e) {
                    err.println("campaign: " + files.get(i) + ": " + Cli.oneLine(e.getMessage()));
                    s = EXIT_BAD_INPUT;
                }
                complete += s == 0 ? 1 : 0;
                status = status == 0 ? s : status;
            }
        } finally {
            if (created != null) {
                created.stop();
            }
        }
        out.printf(Locale.ROOT, "series: %d of %d campaigns complete%s%n", complete, specs.size(),
                complete == specs.size() ? "" : "; rerun the same command to resume the others");
        return status;
    }

    /**
     * Parses every config of a series before anything runs. Refuses two configs that name the same
     * campaign directory (the second would only find the first's shards) and, unless spark-submit set
     * the master, configs that name different Spark masters (the series shares one session).
     */
    static List<CampaignSpec> series(List<File> files, List<String> overrides) {
        boolean submitted = new SparkConf().contains("spark.master");
        List<CampaignSpec> specs = new ArrayList<>();
        Map<String, File> dirs = new HashMap<>();
        for (File f : files) {
            CampaignSpec spec;
            try {
                spec = CampaignConfig.load(f, overrides);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
            }
            File before = dirs.putIfAbsent(CampaignLayout.campaignDir(spec).toString(), f);
            if (before != null) {
                throw new IllegalArgumentException(before + " and " + f + " both name the campaign "
                        + CampaignLayout.campaignDir(spec) + "; give each its own campaign.name or campaign.output");
            }
            if (!submitted && !specs.isEmpty() && !spec.master().equals(specs.get(0).master())) {
                throw new IllegalArgumentException(files.get(0) + " names spark-master " + specs.get(0).master()
                        + " and " + f + " names " + spec.master() + "; the campaigns of one command share one"
                        + " Spark session: give them the same master or run them separately");
            }
            specs.add(spec);
        }
        return specs;
    }

    /** Prepares, checks and runs one campaign; bad input throws {@link IllegalArgumentException}. */
    private int runOne(CampaignSpec spec) {
        PreparedCampaign prepared;
        try {
            prepared = PreparedCampaign.of(spec);
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

    /** {@code --set key=value ...}, the HOCON overrides of {@code campaign} and {@code plan}. */
    static final class Overrides {
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key in HOCON, e.g. --set"
                + " campaign.trials-per-layer=100 or --set 'campaign.layers=[conv1, conv2]' (repeatable; with"
                + " several configs, for each).")
        List<String> overrides = new ArrayList<>();
    }

    /** One campaign config and its overrides: the arguments of {@code plan}. */
    static final class ConfigArgs {
        static final String CONFIG_HELP = "Campaign config (HOCON), e.g. conf/local.conf; every key and its default:"
                + " spark-job/src/main/resources/reference.conf.";
        @Parameters(index = "0", paramLabel = "CONFIG", description = CONFIG_HELP)
        File file;
        @Mixin
        Overrides set;

        CampaignSpec spec() {
            return CampaignConfig.load(file, set.overrides);
        }
    }
}
