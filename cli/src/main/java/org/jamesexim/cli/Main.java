package org.jamesexim.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Entry point of the operator CLI: dispatches to the {@link CliCommand} named by the first argument. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 the operation failed, 2 bad usage). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, CliCommand> commands = commands();
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(commands, args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        CliCommand command = commands.get(args[0]);
        if (command == null) {
            err.println("unknown command '" + args[0] + "'; commands: " + String.join(", ", commands.keySet()));
            return 2;
        }
        try {
            int code = command.run(Arrays.asList(args).subList(1, args.length), in, out, err);
            out.flush();
            return code;
        } catch (UsageException e) {
            err.println(command.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println(command.name() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        }
    }

    static Map<String, CliCommand> commands() {
        Map<String, CliCommand> commands = new TreeMap<>();
        for (CliCommand c : ServiceLoader.load(CliCommand.class, Main.class.getClassLoader())) {
            commands.put(c.name(), c);
        }
        return commands;
    }

    private static void usage(Map<String, CliCommand> commands, PrintStream to) {
        to.println("usage: java -jar james-exim-cli.jar <command> [options]");
        to.println("commands:");
        commands.values().forEach(c -> to.printf("  %-14s %s%n", c.name(), c.summary()));
    }
}
