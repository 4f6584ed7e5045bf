package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** {@code version}: prints the pack version this CLI was built from. */
public final class VersionCommand implements CliCommand {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version of the pack";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            throw new UsageException("takes no arguments");
        }
        String v = Main.class.getPackage().getImplementationVersion();
        out.println("james-exim-pack " + (v == null ? "dev" : v));
        return 0;
    }
}
