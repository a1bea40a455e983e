package org.flipstorm.common.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * How every FlipStorm command treats its command line (picocli underneath): {@code --help} prints
 * every option and exits 0; a usage error is one line on stderr, naming the problem and pointing
 * to {@code --help}, with exit status {@link #USAGE}; an {@link IllegalArgumentException} thrown
 * by the command (bad config, bad model, bad data) is one line too, with the same status; any other
 * exception is one line with status {@link #FAILED}, and its stack trace follows only with
 * {@code -Dflipstorm.trace=true}.
 */
public final class Cli {
    /** Success. */
    public static final int OK = 0;
    /** A failure while running (the work may resume). */
    public static final int FAILED = 1;
    /** Bad input: a usage error, a bad config, model or data; nothing was written. */
    public static final int USAGE = 2;

    private Cli() {}

    /**
     * Parses {@code argv} into {@code command} (a picocli {@code @Command} that is a
     * {@code Callable<Integer>} or {@code Runnable}) and runs it; returns the exit status.
     */
    public static int execute(Object command, String[] argv, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        String name = cl.getCommandName();
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(name + ": " + oneLine(e.getMessage()) + " (see 'flipstorm " + name
                    + " --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                line.getErr().println(name + ": " + oneLine(e.getMessage()));
                return USAGE;
            }
            line.getErr().println(name + ": failed: " + oneLine(String.valueOf(e.getMessage())) + " ("
                    + e.getClass().getSimpleName() + "; stack trace with -Dflipstorm.trace=true)");
            if (Boolean.getBoolean("flipstorm.trace")) {
                e.printStackTrace(line.getErr());
            }
            return FAILED;
        });
        return cl.execute(argv);
    }

    /** {@link #execute} on the standard streams; exits the JVM unless the status is 0. */
    public static void main(Object command, String[] argv) {
        int status = execute(command, argv, System.out, System.err);
        System.out.flush();
        if (status != OK) {
            System.exit(status);
        }
    }

    /** {@code message} as one line: its lines joined with "; " ({@code "invalid input"} when null). */
    public static String oneLine(String message) {
        return message == null ? "invalid input" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
