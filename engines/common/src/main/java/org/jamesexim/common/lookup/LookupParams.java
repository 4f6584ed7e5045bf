package org.jamesexim.common.lookup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.config.Secret;
import org.jamesexim.common.config.SecretParam;
import org.jamesexim.common.jdbc.JdbcPool;
import org.jamesexim.common.jdbc.JdbcUrlDataSource;
import org.jamesexim.common.jdbc.JdbcUrlSecrets;

/**
 * The one parameter grammar of a lookup (docs/configuration.md, "Lookups"), declared for a feature's word
 * ({@code optin}, {@code overrideClientIp}, {@code alias}):
 * <ul>
 * <li>{@code <word>Lookup}: {@code file://conf/...} or an absolute path (a {@link FileLookup}, read again when it
 * changes, every {@code reloadInterval} of the class), or a {@code jdbc:} URL (a {@link JdbcLookup}); secret (a URL
 * may hold a password: never shown);</li>
 * <li>for {@code jdbc:} only: {@code <word>LookupQuery} (required: one SELECT with {@code $key}),
 * {@code <word>LookupUser}, {@code <word>LookupPassword} (or {@code ...PasswordFile}, {@code ...PasswordEnv},
 * {@code ...PasswordProperty}), {@code <word>LookupDriver} (a JDBC driver class to load), {@code <word>LookupTimeout}
 * (per query, connecting included, 1s..60s, default 2s) and {@code <word>LookupConnections} (calls at a time and pool
 * size, 1..64, default 4);</li>
 * <li>{@code <word>LookupDeadline}: all lookups of one message together (1s..300s, default 5s).</li>
 * </ul>
 * Immutable.
 */
public final class LookupParams {
    private final String word;
    private final Param<String> lookup;
    private final Param<String> query;
    private final Param<String> user;
    private final SecretParam password;
    private final Param<String> driver;
    private final Param<Duration> timeout;
    private final Param<Duration> deadline;
    private final Param<Integer> connections;
    private final ParamSet params;

    private LookupParams(String word, String... oldNames) {
        this.word = word;
        this.lookup = Param.text(word + "Lookup", null).secret().alias(oldNames);
        this.query = Param.text(word + "LookupQuery", null);
        this.user = Param.text(word + "LookupUser", null);
        this.password = SecretParam.of(word + "LookupPassword");
        this.driver = Param.text(word + "LookupDriver", null);
        this.timeout = Param.duration(word + "LookupTimeout", "2s").between("1s", "60s");
        this.deadline = Param.duration(word + "LookupDeadline", "5s").between("1s", "300s");
        this.connections = Param.integer(word + "LookupConnections", 4, 1, 64);
        this.params = ParamSet.of(lookup, query, user, driver, timeout, deadline, connections).with(password);
    }

    /** The lookup parameters of {@code word}. */
    public static LookupParams of(String word) {
        return new LookupParams(word);
    }

    /** The lookup parameters of {@code word}, {@code <word>Lookup} also accepted (deprecated) as {@code oldNames}. */
    public static LookupParams of(String word, String... oldNames) {
        return new LookupParams(word, oldNames);
    }

    /** Every parameter of this lookup, to add to the class's {@code PARAMETERS}. */
    public ParamSet params() {
        return params;
    }

    /** {@code <word>Lookup}. */
    public Param<String> lookup() {
        return lookup;
    }

    /** {@code <word>LookupQuery}. */
    public Param<String> query() {
        return query;
    }

    /** {@code <word>LookupTimeout}. */
    public Param<Duration> timeout() {
        return timeout;
    }

    /** {@code <word>LookupDeadline}. */
    public Param<Duration> deadline() {
        return deadline;
    }

    /** The parameters that only a {@code jdbc:} lookup takes, by name (for tests that give them a companion). */
    public List<String> jdbcOnly() {
        List<String> out = new ArrayList<>(List.of(query.name(), user.name(), driver.name(), timeout.name(), connections.name()));
        for (Param<String> p : password.params()) {
            out.add(p.name());
        }
        return out;
    }

    /**
     * The lookup the values give, or null when {@code <word>Lookup} is not set.
     *
     * @param files turns a file value into a path (James's {@code file://} forms)
     * @param reloadInterval how often a file is looked at for changes
     * @param check vets each value
     * @throws IllegalArgumentException naming the parameter (never a password) when the values do not fit
     */
    public Lookup open(ParamValues v, Function<String, Path> files, Function<String, String> env, Duration reloadInterval,
                       Lookup.ValueCheck check, Consumer<String> info, Consumer<String> warn) {
        String spec = v.get(lookup);
        Secret pw = password.read(n -> {
            for (Param<String> p : password.params()) {
                if (p.name().equals(n)) {
                    return v.get(p);
                }
            }
            return null;
        }, files, env);
        if (spec == null || spec.trim().isEmpty()) {
            for (Param<?> p : List.of(query, user, driver, timeout, deadline, connections)) {
                if (v.isSet(p)) {
                    throw new IllegalArgumentException(p.name() + " is set but " + lookup.name() + " is not");
                }
            }
            if (pw != null) {
                throw new IllegalArgumentException(pw.parameter() + " is set but " + lookup.name() + " is not");
            }
            return null;
        }
        spec = spec.trim();
        if (spec.startsWith("jdbc:")) {
            return jdbc(spec, v, pw, check);
        }
        if (!spec.startsWith("/") && !spec.startsWith("file:")) {
            throw new IllegalArgumentException(lookup.name() + ": expected file://conf/..., an absolute path or a jdbc: URL (not shown)");
        }
        for (Param<?> p : List.of(query, user, driver, timeout, connections)) {
            if (v.isSet(p)) {
                throw new IllegalArgumentException(p.name() + " is for a jdbc: " + lookup.name() + ", not a file");
            }
        }
        if (pw != null) {
            throw new IllegalArgumentException(pw.parameter() + " is for a jdbc: " + lookup.name() + ", not a file");
        }
        String name = lookup.name() + " " + spec;
        Path path;
        try {
            path = files.apply(spec);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(lookup.name() + ": " + e.getMessage());
        }
        try {
            return new FileLookup(name, path, check, reloadInterval, v.get(deadline), info, warn);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(name) ? e.getMessage() : name + ": " + e.getMessage());
        }
    }

    private Lookup jdbc(String url, ParamValues v, Secret pw, Lookup.ValueCheck check) {
        List<String> hidden = JdbcUrlSecrets.passwords(url);
        String password = pw == null ? null : pw.value();
        if (password != null) {
            hidden.add(password);
        }
        java.util.function.UnaryOperator<String> redact = text ->
            JdbcUrlSecrets.redact(text == null ? "" : text.replace(url, "<" + lookup.name() + ">"), hidden);
        if (v.get(query) == null) {
            throw new IllegalArgumentException(query.name() + ": required with a jdbc: " + lookup.name()
                + " (one SELECT with $key, e.g. SELECT value FROM lookup WHERE key = $key)");
        }
        String d = v.get(driver);
        if (d != null) {
            try {
                Class.forName(d.trim(), true, LookupParams.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(driver.name() + ": class " + d.trim() + " is not on the classpath (put the JDBC driver JAR in extensions-jars/)");
            }
        }
        Duration t = v.get(timeout);
        String shown = JdbcUrlSecrets.shown(url, hidden);
        DataSource ds = JdbcPool.of("jexim-lookup-" + word, new JdbcUrlDataSource(url, v.get(user), password, (int) Math.max(1, t.toSeconds()),
            "<" + lookup.name() + ">", redact), v.get(connections), t);
        try {
            return new JdbcLookup(lookup.name() + " " + shown, query.name(), v.get(query), ds, t, v.get(connections), connections.name(),
                v.get(deadline), check, redact);
        } catch (IllegalArgumentException e) {
            JdbcPool.closeQuietly(ds);
            throw e;
        }
    }
}
