package org.flipstorm.zoo.train;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code history}: the epoch histories of one or more training runs side by side, read from their
 * checkpoint directories ({@code state.json}, written by {@code train} after every epoch), as a
 * Markdown table that a document can take as it is. Runs that are still training can be read at
 * any time: the state file is replaced atomically.
 *
 * <p>A cell is the test accuracy after the epoch and, in brackets, the epoch's mean training loss;
 * "-" where a run has not reached the epoch. Below the table: each run's epochs, training time,
 * best accuracy, and the speed of its most recent epochs; and, for every run after the first, the
 * range of its accuracy minus the first run's over the epochs both have reached: every epoch from
 * {@code --all-from} on when that is given, else the table's rows.
 */
@Command(name = "history", sortOptions = false,
        description = {"Prints the epoch histories of training runs side by side (a Markdown table), read from their"
                + " checkpoint directories; safe to run while they train.",
            "A cell: test accuracy (mean training loss) after the epoch; '-' where a run has not reached it."})
public final class HistoryCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Parameters(paramLabel = "DIR", arity = "1..*",
            description = "Checkpoint directories of 'flipstorm train' (each holds state.json), e.g."
                    + " model-zoo/checkpoints/resnet20-cifar10-study-baseline-exact.")
    List<Path> dirs;
    @Option(names = "--names", paramLabel = "NAME", split = ",",
            description = "Column names, one per DIR, comma-separated (default: each directory's name).")
    List<String> names;
    @Option(names = "--every", paramLabel = "N", defaultValue = "1",
            description = "Show every N-th epoch (default: ${DEFAULT-VALUE}).")
    int every;
    @Option(names = "--all-from", paramLabel = "EPOCH",
            description = "Also show every epoch from this one on, and compare the runs' accuracies over those"
                    + " epochs only (default: none; the comparison then takes every row).")
    Integer allFrom;
    @Option(names = "--recent", paramLabel = "N", defaultValue = "10",
            description = "Speed (seconds and images per second) over each run's last N epochs (default: ${DEFAULT-VALUE}).")
    int recent;

    private final PrintStream out;

    /** A command that prints to standard output. */
    public HistoryCommand() {
        this(System.out);
    }

    HistoryCommand(PrintStream out) {
        this.out = out;
    }

    /** Entry point. */
    public static void main(String[] argv) {
        Cli.main(new HistoryCommand(), argv);
    }

    @Override
    public Integer call() throws IOException {
        if (names != null && names.size() != dirs.size()) {
            throw new IllegalArgumentException("--names gives " + names.size() + " names for " + dirs.size()
                    + " directories; expected one name per DIR, comma-separated");
        }
        if (every < 1 || recent < 1) {
            throw new IllegalArgumentException("--every " + every + " and --recent " + recent + " must be >= 1");
        }
        Map<String, Checkpoints.State> runs = new LinkedHashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            String name = names == null ? String.valueOf(dirs.get(i).getFileName()) : names.get(i).strip();
            if (runs.put(name, read(dirs.get(i))) != null) {
                throw new IllegalArgumentException("two runs are named '" + name + "'; give distinct --names");
            }
        }
        out.print(render(runs, every, allFrom, recent));
        return Cli.OK;
    }

    private static Checkpoints.State read(Path dir) throws IOException {
        try {
            return new Checkpoints(dir).state().orElseThrow(() -> new IllegalArgumentException(dir
                    + " has no state.json; expected a checkpoint directory of 'flipstorm train' (its --checkpoint-dir,"
                    + " by default NAME.checkpoints beside --out)"));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(dir.resolve("state.json") + " is not a training state written by"
                    + " 'flipstorm train': " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The table and the lines below it.
     *
     * @param runs column name to run, in column order (the first is the reference of the differences)
     * @param every show every {@code every}-th epoch
     * @param allFrom also show every epoch from this one on, or null
     * @param recent speed over each run's last {@code recent} epochs
     */
    static String render(Map<String, Checkpoints.State> runs, int every, Integer allFrom, int recent) {
        List<Map<Integer, Checkpoints.EpochLine>> byEpoch = new ArrayList<>();
        TreeSet<Integer> rows = new TreeSet<>();
        for (Checkpoints.State s : runs.values()) {
            Map<Integer, Checkpoints.EpochLine> m = new LinkedHashMap<>();
            s.history().forEach(h -> m.put(h.epoch(), h));
            byEpoch.add(m);
            for (int e : m.keySet()) {
                if (e % every == 0 || (allFrom != null && e >= allFrom)) {
                    rows.add(e);
                }
            }
            if (!s.history().isEmpty()) {
                rows.add(s.history().get(s.history().size() - 1).epoch());  // each run's newest epoch
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| epoch | lr | ").append(String.join(" | ", runs.keySet())).append(" |\n");
        sb.append("|---|---|").append("---|".repeat(runs.size())).append('\n');
        for (int e : rows) {
            String rates = byEpoch.stream().filter(m -> m.containsKey(e))
                    .map(m -> rate(m.get(e).learningRate())).distinct().collect(Collectors.joining("/"));
            sb.append("| ").append(e).append(" | ").append(rates).append(" | ");
            sb.append(byEpoch.stream().map(m -> m.containsKey(e)
                    ? fmt("%.2f%% (%.3f)", 100 * m.get(e).testAccuracy(), m.get(e).loss()) : "-")
                    .collect(Collectors.joining(" | ")));
            sb.append(" |\n");
        }
        sb.append('\n');
        // from --all-from on when given (the stretch a reader compares), else over the table's rows
        SortedSet<Integer> compared = allFrom == null ? rows : rows.tailSet(allFrom);
        String reference = runs.keySet().iterator().next();
        int col = 0;
        for (Map.Entry<String, Checkpoints.State> run : runs.entrySet()) {
            sb.append(summary(run.getKey(), run.getValue(), recent)).append('\n');
            if (col > 0) {
                sb.append(difference(run.getKey(), reference, byEpoch.get(col), byEpoch.get(0), compared)).append('\n');
            }
            col++;
        }
        return sb.toString();
    }

    private static String summary(String name, Checkpoints.State s, int recent) {
        List<Checkpoints.EpochLine> h = s.history();
        if (h.isEmpty()) {
            return "- " + name + ": no epoch completed";
        }
        Checkpoints.EpochLine best = h.get(0);
        for (Checkpoints.EpochLine l : h) {
            if (l.testAccuracy() > best.testAccuracy()) {
                best = l;
            }
        }
        List<Checkpoints.EpochLine> last = h.subList(Math.max(0, h.size() - recent), h.size());
        DoubleSummaryStatistics seconds = last.stream().mapToDouble(Checkpoints.EpochLine::seconds).summaryStatistics();
        DoubleSummaryStatistics speed = last.stream().mapToDouble(Checkpoints.EpochLine::imagesPerSecond)
                .summaryStatistics();
        return fmt("- %s: %d epochs in %.2f h of training; best %.2f%% after epoch %d; epochs %d-%d: %.0f-%.0f s"
                        + " an epoch, %.0f-%.0f images/s",
                name, s.epochsDone(), s.trainSeconds() / 3600, 100 * best.testAccuracy(), best.epoch(),
                last.get(0).epoch(), last.get(last.size() - 1).epoch(),
                seconds.getMin(), seconds.getMax(), speed.getMin(), speed.getMax());
    }

    private static String difference(String name, String reference, Map<Integer, Checkpoints.EpochLine> run,
                                     Map<Integer, Checkpoints.EpochLine> ref, SortedSet<Integer> epochs) {
        List<Integer> both = epochs.stream().filter(e -> run.containsKey(e) && ref.containsKey(e)).toList();
        if (both.isEmpty()) {
            return "  " + name + " - " + reference + ": no epoch compared that both reached";
        }
        DoubleSummaryStatistics d = both.stream()
                .mapToDouble(e -> 100 * (run.get(e).testAccuracy() - ref.get(e).testAccuracy())).summaryStatistics();
        return fmt("  %s - %s over the %d epochs compared that both reached (%d-%d): %+.2f to %+.2f points", name,
                reference, both.size(), both.get(0), both.get(both.size() - 1), d.getMin(), d.getMax());
    }

    /** A learning rate to three significant digits, without trailing zeros (0.01, not 0.0100). */
    private static String rate(double lr) {
        if (!Double.isFinite(lr)) {
            return String.valueOf(lr);
        }
        return new BigDecimal(lr).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
