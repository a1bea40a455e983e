package org.flipstorm.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.common.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code config CONFIG [--set key=value ...] [--get KEY ...] [--out FILE]}: a campaign config as
 * one file that needs no other (includes inlined, overrides applied, substitutions resolved), checked as a
 * campaign checks it. The YARN and Kubernetes scripts ship it to a driver that runs in a container,
 * where the files the config includes are not; a user reads in it what a campaign will run with.
 * With {@code --get}, single values instead (defaults included), for scripts such as nightly.sh.
 * Needs no Spark and no ND4J.
 */
@Command(name = "config", sortOptions = false, description = "Prints a campaign config as one file that needs no"
        + " other: includes inlined, --set applied, substitutions resolved; checked as campaign checks it (keys,"
        + " values), not its model, images or output.")
public final class ConfigMain implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Mixin
    CampaignMain.ConfigArgs config;
    @Option(names = "--get", paramLabel = "KEY", description = "Print only the value of KEY, e.g. campaign.output,"
            + " its default included: a string as it is, anything else in HOCON; one line each (repeatable).")
    List<String> get = new ArrayList<>();
    @Option(names = "--out", paramLabel = "FILE", description = "Write it to FILE (atomically) instead of standard"
            + " output.")
    Path out;
    private final PrintStream stdout;

    private ConfigMain(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new ConfigMain(System.out), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new ConfigMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        String text;
        if (get.isEmpty()) {
            text = CampaignConfig.render(config.file, config.set.overrides);
        } else {
            text = String.join("\n", CampaignConfig.values(config.file, config.set.overrides, get)) + "\n";
        }
        if (out == null) {
            stdout.print(text);
        } else {
            AtomicFiles.writeString(out, text);
        }
        return Cli.OK;
    }
}
