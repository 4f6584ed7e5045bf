package org.jamesexim.common.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A secret parameter and the three other places the same secret can be given, one place per secret:
 * <ul>
 * <li>{@code name}: written in the configuration (declared {@link Param#secret()}; still read, with a WARN at start,
 * {@link #INLINE_WARNING});</li>
 * <li>{@code nameFile}: a file holding it (absolute path, or {@code file://conf/...} where the glue resolves James's
 * paths), mode 0600 or 0640, at most {@link SecretFiles#MAX_OCTETS} ({@link SecretFiles});</li>
 * <li>{@code nameEnv}: the name of an environment variable holding it (Docker, Kubernetes {@code secretKeyRef});</li>
 * <li>{@code nameProperty}: the name of a JVM system property holding it ({@code conf/jvm.properties}).</li>
 * </ul>
 * A snake-case name (Exim's, e.g. Dovecot's {@code server_tls_trust_store_password}) takes {@code _file}, {@code _env}
 * and {@code _property}. Giving more than one fails start-up; an empty variable or property too. The file, variable
 * and property names are not secret and are shown in errors; the value never is. Immutable.
 */
public final class SecretParam {
    /** The WARN for a secret written inline: {@code %1$s} the parameter, {@code %2$s} the file form, {@code %3$s} the env form. */
    public static final String INLINE_WARNING = "parameter %1$s: the secret is written in the configuration, which is copied,"
        + " backed up and pasted into support requests; move it to %2$s (mode 0600) or %3$s";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final String name;
    private final Param<String> inline;
    private final Param<String> file;
    private final Param<String> env;
    private final Param<String> property;

    private SecretParam(String name) {
        this.name = name;
        boolean snake = name.indexOf('_') >= 0;
        this.inline = Param.text(name, null).secret().doc("the secret itself (discouraged: use " + suffix(name, "File", snake) + ")");
        this.file = Param.text(suffix(name, "File", snake), null).doc("a file holding " + name + " (mode 0600 or 0640)");
        this.env = Param.text(suffix(name, "Env", snake), null).check(SecretParam::envName)
            .doc("the name of an environment variable holding " + name);
        this.property = Param.text(suffix(name, "Property", snake), null).doc("the name of a JVM system property holding " + name);
    }

    private static String suffix(String name, String what, boolean snake) {
        return snake ? name + "_" + what.toLowerCase(java.util.Locale.ROOT) : name + what;
    }

    private static String envName(String v) {
        if (!ENV_NAME.matcher(v).matches()) {
            throw new IllegalArgumentException("expected the name of an environment variable (letters, digits, _)");
        }
        return v;
    }

    /** {@code name} and its {@code File}, {@code Env} and {@code Property} forms. */
    public static SecretParam of(String name) {
        Objects.requireNonNull(name, "name");
        return new SecretParam(name);
    }

    public String name() {
        return name;
    }

    /** The secret written in the configuration. */
    public Param<String> inline() {
        return inline;
    }

    /** The file form ({@code nameFile}). */
    public Param<String> file() {
        return file;
    }

    /** The environment variable form ({@code nameEnv}). */
    public Param<String> env() {
        return env;
    }

    /** The system property form ({@code nameProperty}). */
    public Param<String> property() {
        return property;
    }

    /** The four parameters, to declare in a {@link ParamSet}. */
    public List<Param<String>> params() {
        return List.of(inline, file, env, property);
    }

    /** The WARN for this secret given inline. */
    public String inlineWarning() {
        return String.format(INLINE_WARNING, name, file.name(), env.name());
    }

    /**
     * The secret, from the one place it is given; null when none is.
     *
     * @param given the text given for a parameter name (raw, as in the configuration), or null
     * @param files turns a file parameter's value into a path (James's {@code file://} forms)
     * @param environment the environment ({@code System::getenv}); system properties are read from {@link System}
     * @throws IllegalArgumentException naming the parameter (never the secret) when more than one place is given, the
     *         file breaks the rules or the variable or property is not set
     */
    public Secret read(Function<String, String> given, Function<String, Path> files, Function<String, String> environment) {
        String i = Param.blankToNull(given.apply(inline.name()));
        String f = Param.blankToNull(given.apply(file.name()));
        String e = Param.blankToNull(given.apply(env.name()));
        String p = Param.blankToNull(given.apply(property.name()));
        int n = (i != null ? 1 : 0) + (f != null ? 1 : 0) + (e != null ? 1 : 0) + (p != null ? 1 : 0);
        if (n > 1) {
            throw new ParamException(name, "more than one of " + inline.name() + ", " + file.name() + ", " + env.name() + " and "
                + property.name() + " is set: give " + name + " in one place");
        }
        if (i != null) {
            return new Secret(inline.name(), Secret.Form.INLINE, i, null);
        }
        if (f != null) {
            Path path;
            try {
                path = files.apply(f);
            } catch (RuntimeException x) {
                throw new ParamException(file.name(), file.name() + ": " + x.getMessage());
            }
            return new Secret(file.name(), Secret.Form.FILE, SecretFiles.read(file.name(), path, SecretFiles.MAX_OCTETS), path);
        }
        if (e != null) {
            String var = env.parse(e);
            String value = Param.blankToNull(environment.apply(var));
            if (value == null) {
                throw new ParamException(env.name(), env.name() + ": the environment variable " + var + " is not set (or empty)");
            }
            return new Secret(env.name(), Secret.Form.ENV, value, null);
        }
        if (p != null) {
            String value = Param.blankToNull(System.getProperty(p));
            if (value == null) {
                throw new ParamException(property.name(), property.name() + ": the system property " + Param.shown(p)
                    + " is not set (or empty)");
            }
            return new Secret(property.name(), Secret.Form.PROPERTY, value, null);
        }
        return null;
    }

    /** {@link #read(Function, Function, Function)} of values already read by a {@link ParamSet}, from the process's environment. */
    public Secret read(ParamValues values, Function<String, Path> files) {
        return read(n -> n.equals(inline.name()) ? values.get(inline) : n.equals(file.name()) ? values.get(file)
            : n.equals(env.name()) ? values.get(env) : values.get(property), files, System::getenv);
    }

    @Override
    public String toString() {
        return name + " (secret: " + file.name() + ", " + env.name() + ", " + property.name() + ")";
    }
}
