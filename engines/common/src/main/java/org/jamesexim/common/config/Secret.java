package org.jamesexim.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The value of a {@link SecretParam}, with where it came from. {@link #toString()} never shows it. Immutable.
 */
public final class Secret {
    /** Where a secret was given. */
    public enum Form {
        /** written in the configuration ({@code secrets}): discouraged, logged as a WARN at start */
        INLINE,
        /** in a file ({@code secretsFile}); mode 0600 or 0640 */
        FILE,
        /** in an environment variable ({@code secretsEnv}) */
        ENV,
        /** in a JVM system property ({@code secretsProperty}, e.g. from {@code conf/jvm.properties}) */
        PROPERTY
    }

    private final String parameter;
    private final Form form;
    private final String text;
    private final Path file;

    Secret(String parameter, Form form, String text, Path file) {
        this.parameter = Objects.requireNonNull(parameter);
        this.form = Objects.requireNonNull(form);
        this.text = Objects.requireNonNull(text);
        this.file = file;
    }

    /** A secret from a file already read (e.g. read again after a change). */
    public static Secret ofFile(String parameter, Path file, String text) {
        return new Secret(parameter, Form.FILE, text, file);
    }

    /** The parameter it was given in ({@code secretsFile}, {@code dbpasswordEnv}, ...), for messages. */
    public String parameter() {
        return parameter;
    }

    public Form form() {
        return form;
    }

    /** The text: the value written, the variable's or property's value (trimmed), or the whole file. */
    public String text() {
        return text;
    }

    /** The file it was read from, or null. */
    public Path file() {
        return file;
    }

    /**
     * The lines of the text, each trimmed, without blank lines and {@code #} comments (a secrets file: one a line, the
     * first signs).
     */
    public List<String> lines() {
        return lines(text);
    }

    /** {@link #lines()} of a text. */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A password: the text as given, or for a file its {@link #firstLine()}. */
    public String value() {
        return form == Form.FILE ? firstLine() : text;
    }

    /** The first of {@link #lines()} (a password file), or the empty text. */
    public String firstLine() {
        List<String> l = lines();
        return l.isEmpty() ? "" : l.get(0);
    }

    @Override
    public String toString() {
        return "Secret{" + parameter + ", not shown}";
    }
}
