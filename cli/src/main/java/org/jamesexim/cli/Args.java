package org.jamesexim.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal GNU-style option parsing shared by the commands: {@code --name value}, {@code --name=value},
 * repeatable options, boolean flags, and positional arguments.
 */
public final class Args {
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param flags option names (without {@code --}) that take no value
     * @param valued option names that take a value
     */
    public static Args parse(List<String> argv, Set<String> flags, Set<String> valued) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                a.positional.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (!arg.startsWith("--")) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
            a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return a;
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** The last value given for the option, or {@code def}. */
    public String get(String name, String def) {
        List<String> v = options.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    public List<String> all(String name) {
        return options.getOrDefault(name, Collections.emptyList());
    }

    public Integer getInt(String name, Integer def) {
        String v = get(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, not '" + v + "'");
        }
    }

    public Long getLong(String name, Long def) {
        String v = get(name, null);
        if (v == null) {
            return def;
        }
        try {
            return Long.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, not '" + v + "'");
        }
    }

    public List<String> positional() {
        return Collections.unmodifiableList(positional);
    }
}
