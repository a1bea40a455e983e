package org.flipstorm.common.cli;

import picocli.CommandLine.Option;

/** The {@code -h/--help} option every command mixes in ({@code @Mixin HelpOption help;}). */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help (every option) and exit.")
    boolean help;
}
