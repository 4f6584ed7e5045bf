package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * One sub-command of {@code java -jar cli/target/james-exim-cli.jar <name> ...}.
 * Implementations are listed in {@code META-INF/services/org.jamesexim.cli.CliCommand}.
 */
public interface CliCommand {
    /** The word typed after the jar, e.g. {@code arc-verify}. */
    String name();

    /** One line for the help listing. */
    String summary();

    /**
     * Runs the command. The result goes to {@code out} (its last line for single-value commands);
     * problems go to {@code err} as one clear sentence, and the exit code is non-zero.
     *
     * @return the process exit code
     */
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}
