package org.flipstorm.zoo.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Minimal {@code --name value} command-line parsing shared by FlipStorm's commands. Unknown
 * options and missing values are errors that name the option and list the known ones.
 */
public final class Args {
    private final Map<String, String> values;
    private final List<String> positional;

    private Args(Map<String, String> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /**
     * Parses {@code argv}.
     *
     * @param known option names without the leading dashes; a name ending in '!' is a flag (no value)
     */
    public static Args parse(String[] argv, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positional = new java.util.ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            if (known.contains(name + "!")) {
                values.put(name, "true");
            } else if (known.contains(name)) {
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                values.put(name, argv[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + name + "; known options: "
                        + known.stream().sorted().map(k -> "--" + k.replace("!", "")).toList());
            }
        }
        return new Args(values, List.copyOf(positional));
    }

    /** Arguments that are not options, in order. */
    public List<String> positional() {
        return positional;
    }

    /** The value of an option, if given. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The value of an option, or a default. */
    public String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    /** True when a flag was given. */
    public boolean flag(String name) {
        return values.containsKey(name);
    }

    /** An integer option, or a default; a malformed value is an error naming the option. */
    public int getInt(String name, int dflt) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a whole number, got '" + v + "'", e);
        }
    }

    /** A decimal option, or a default. */
    public double getDouble(String name, double dflt) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a number, got '" + v + "'", e);
        }
    }
}
