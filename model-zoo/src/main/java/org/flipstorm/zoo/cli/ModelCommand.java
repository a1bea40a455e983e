package org.flipstorm.zoo.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flipstorm.common.cli.Cli;
import org.flipstorm.common.cli.HelpOption;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that works on one zoo model ({@code --model}, its card beside it) and its dataset
 * ({@code --data}): starts ND4J's backend first, and reports a model or dataset it cannot read
 * as bad input (one line, exit 2).
 */
public abstract class ModelCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model zip (its card beside"
            + " it).")
    protected Path model;
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the bundled sample, or"
            + " the dataset's system directory).")
    protected Path data;

    /** Runs {@code command} with {@code argv} on the standard streams, after DL4J's settings; exits unless 0. */
    public static void launch(Object command, String[] argv) {
        Dl4jRuntime.configure();
        Cli.main(command, argv);
    }

    @Override
    public final Integer call() throws IOException {
        Dl4jRuntime.requireBackend();
        try {
            return run();
        } catch (ZooException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The dataset directory, if given. */
    protected Optional<Path> dataDir() {
        return Optional.ofNullable(data);
    }

    /** The command's work, once the backend runs; returns the exit status. */
    protected abstract int run() throws IOException, ZooException;
}
