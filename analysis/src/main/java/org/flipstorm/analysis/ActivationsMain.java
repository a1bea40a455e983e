package org.flipstorm.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code activations CARD... [--out DIR]}: the largest |activation| of every layer of several models,
 * from their cards, as one chart (log axis, one line per model), a CSV and a printed table.
 */
@Command(name = "activations", sortOptions = false, description = "The largest |activation| of every layer of several"
        + " models, from their model cards: one chart (PNG and SVG, log axis, a line per model), a CSV and a table.")
public final class ActivationsMain implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Parameters(arity = "1..*", paramLabel = "CARD", description = "Model cards (NAME.card.json) or model zips"
            + " with their cards beside them.")
    List<Path> cards;
    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where the chart and"
            + " activation_profile.csv go (default: the current directory).")
    Path out;
    private final PrintStream stdout;

    /** The command on standard output. */
    public ActivationsMain() {
        this(System.out);
    }

    private ActivationsMain(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new ActivationsMain(), argv);
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return Cli.execute(new ActivationsMain(out), argv, out, err);
    }

    @Override
    public Integer call() throws IOException {
        List<ActivationProfiles.Profile> profiles = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Path c : cards) {
            ActivationProfiles.Profile p = ActivationProfiles.read(c);
            if (!ids.add(p.modelId())) {
                throw new IllegalArgumentException("model " + p.modelId() + " is given twice (" + c + ")");
            }
            profiles.add(p);
        }
        Table table = ActivationProfiles.table(profiles);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-16s", "layer"));
        profiles.forEach(p -> header.append(String.format(Locale.ROOT, " %14s", abbreviate(p.modelId()))));
        stdout.println(header);
        for (List<String> row : table.rows()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", row.get(0)));
            row.subList(1, row.size()).forEach(v -> line.append(String.format(Locale.ROOT, " %14s", v)));
            stdout.println(line);
        }
        for (ActivationProfiles.Profile p : profiles) {
            stdout.printf(Locale.ROOT, "%s (%s): %d layers over %d %s images%n", p.modelId(), p.variant(),
                    p.maxAbs().size(), p.images(), p.split());
        }
        Path csv = table.writeCsv(out.resolve(table.name() + ".csv"));
        Charts.Drawn d = Charts.profiles(profiles, ActivationProfiles.layers(profiles), out);
        stdout.println("wrote " + csv + ", " + d.png() + " and " + d.svg());
        return Cli.OK;
    }

    private static String abbreviate(String id) {
        return id.length() <= 14 ? id : "..." + id.substring(id.length() - 11);
    }
}
