package org.jamesexim.mailets;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.apache.james.core.Domain;
import org.apache.james.metrics.api.MetricFactory;
import org.jamesexim.common.LogText;
import org.jamesexim.common.ReloadingFile;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamSource;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.config.Secret;
import org.jamesexim.common.config.SecretFiles;
import org.jamesexim.common.config.SecretParam;
import org.jamesexim.common.jdbc.JdbcUrlDataSource;
import org.jamesexim.common.jdbc.JdbcUrlSecrets;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.jamesexim.srs.EximNativeSrs;
import org.jamesexim.srs.JdbcSrsDatabase;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsConnectionPool;
import org.jamesexim.srs.SrsDatabase;
import org.jamesexim.srs.SrsDatabase.SrsDatabaseException;
import org.jamesexim.srs.SrsDeadline;
import org.jamesexim.srs.SrsDomainList;
import org.jamesexim.srs.SrsEngine;
import org.jamesexim.srs.SrsSecrets;

/**
 * Reads the SRS parameters shared by {@link SrsForward}, {@link SrsReverse} and {@code org.jamesexim.smtp.SrsRcptHook}
 * (Exim's names), once, at init:
 * <ul>
 * <li>the secrets ({@link SecretParam}), from exactly one of {@code secretsFile} (one a line, the first signs; blank
 * lines and {@code #} comments ignored; an absolute path or a {@code file://} URL, see {@link PackFiles}; mode 0600 or
 * 0640; read again when it changes, every {@code reloadInterval}, so that a rotation needs no restart),
 * {@code secretsEnv} or {@code secretsProperty} (the name of an environment variable or JVM system property holding
 * an Exim list: {@code new:old}, {@code ::} for a colon inside a secret) or {@code secrets} (the Exim list itself,
 * with a WARN at start); {@code srs_config} may replace the first. Every secret must pass {@link SrsSecrets#check}:
 * 16 octets or more, not an example the pack published. {@code eximSecret} and {@code dbpassword} can be given the
 * same four ways (their files are read at start only);</li>
 * <li>{@code hashlength}, {@code hashmin}, {@code maxage}, {@code usehash}, {@code usetimestamp}, {@code separator},
 * {@code hashAlphabet} ({@code base64}, the default, or {@code base64url}: the alphabet forward writes hashes in; reverse
 * reads both), {@code alwaysRewrite}, {@code aliasDomains} and {@code aliasDomainsFile} (one domain a line, read again
 * when it changes), {@code bouncesOnly} (default true);</li>
 * <li>database mode: {@code dburl}, {@code dbuser}, {@code dbpassword}, {@code dbdriver}, {@code dbinsert},
 * {@code dbselect}, {@code dbmode}, {@code dbtimeout} (seconds per call, connecting included, 1..60, default 5),
 * {@code dbdeadline} (seconds for all calls of one message, 1..300, default 10), {@code dbconnections} (calls that may
 * wait at the same time and the size of the connection pool, {@link SrsConnectionPool}, 1..64, default 8),
 * {@code dbexpire} and {@code dbexpireInterval} (rows older than maxage + 1 day deleted in bounded batches, every
 * hour by default).</li>
 * </ul>
 * Every error names the parameter and never shows a secret or password; {@link #safe} makes outside text fit for a
 * log line.
 */
public final class SrsSettings {
    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(SrsSettings.class);
    /** Default and largest {@code dbtimeout}, seconds. */
    public static final int DEFAULT_DB_TIMEOUT = 5;
    public static final int MAX_DB_TIMEOUT = 60;
    /** Default and largest {@code dbdeadline}, seconds. */
    public static final int DEFAULT_DB_DEADLINE = 10;
    public static final int MAX_DB_DEADLINE = 300;
    /** Largest {@code dbconnections}. */
    public static final int MAX_DB_CONNECTIONS = 64;

    public static final Param<Integer> HASHLENGTH = Param.integer("hashlength", null, Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final Param<Integer> HASHMIN = Param.integer("hashmin", null, Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final Param<Integer> MAXAGE = Param.integer("maxage", null, Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final Param<Boolean> USEHASH = Param.bool("usehash", true).legacyYesNo();
    public static final Param<Boolean> USETIMESTAMP = Param.bool("usetimestamp", true).legacyYesNo();
    public static final Param<String> SEPARATOR = Param.text("separator", null);
    /** The alphabet forward writes hashes in: {@code base64} (Mail::SRS, the default) or {@code base64url} (postsrsd 2.x); reverse reads both. */
    public static final Param<String> HASH_ALPHABET = Param.choice("hashAlphabet", "base64", "base64", "base64url");
    public static final Param<Boolean> ALWAYS_REWRITE = Param.bool("alwaysRewrite", false).legacyYesNo();
    public static final Param<List<String>> ALIAS_DOMAINS = Param.custom("aliasDomains", null, SrsSettings::domains);
    /** {@code aliasDomains} from a file as well: one domain a line, read again when it changes ({@link SrsDomainList}). */
    public static final Param<String> ALIAS_DOMAINS_FILE = Param.text("aliasDomainsFile", null);
    /** How often a domain file ({@code aliasDomainsFile}, SrsForward's {@code excludeDomainsFile}) is looked at for changes. */
    public static final Duration DOMAIN_FILE_CHECK = ReloadingFile.DEFAULT_CHECK;
    /** How often the files read again when they change ({@code secretsFile}, {@code aliasDomainsFile}, {@code excludeDomainsFile}) are looked at; 0: at every use. */
    public static final Param<Duration> RELOAD_INTERVAL = Param.duration("reloadInterval", "5s").allowZero().atMost("1h");
    public static final Param<Boolean> BOUNCES_ONLY = Param.bool("bouncesOnly", true).legacyYesNo();
    public static final Param<String> DBURL = Param.text("dburl", null).secret();
    public static final Param<String> DBUSER = Param.text("dbuser", null);
    public static final Param<String> DBDRIVER = Param.text("dbdriver", null);
    public static final Param<String> DBINSERT = Param.text("dbinsert", JdbcSrsDatabase.DEFAULT_INSERT);
    public static final Param<String> DBSELECT = Param.text("dbselect", JdbcSrsDatabase.DEFAULT_SELECT);
    public static final Param<SrsEngine.DbMode> DBMODE = Param.custom("dbmode", null, SrsEngine.DbMode::parse);
    public static final Param<Duration> DBTIMEOUT = Param.duration("dbtimeout", DEFAULT_DB_TIMEOUT + "s").between("1s", MAX_DB_TIMEOUT + "s");
    public static final Param<Duration> DBDEADLINE = Param.duration("dbdeadline", DEFAULT_DB_DEADLINE + "s").between("1s", MAX_DB_DEADLINE + "s");
    /** The SQL that deletes expired rows, a bounded batch at a time ({@code $srs_db_before}: older than maxage + 1 day). */
    public static final Param<String> DBEXPIRE = Param.text("dbexpire", JdbcSrsDatabase.DEFAULT_EXPIRE);
    /** How often expired rows are deleted; {@code 0s}: never (the operator expires them). */
    public static final Param<Duration> DBEXPIRE_INTERVAL = Param.duration("dbexpireInterval", "1h").allowZero().atMost("24h");
    public static final Param<Integer> DBCONNECTIONS = Param.integer("dbconnections", JdbcSrsDatabase.DEFAULT_MAX_IN_FLIGHT, 1, MAX_DB_CONNECTIONS);
    /** The SRS secrets: {@code secrets} (an Exim list), {@code secretsFile} (one a line, read again when it changes), {@code secretsEnv}, {@code secretsProperty}. */
    public static final SecretParam SECRETS = SecretParam.of("secrets");
    /** Exim native SRS's secret, the same four ways. */
    public static final SecretParam EXIM_SECRET = SecretParam.of("eximSecret");
    /** The database password, the same four ways (a file: its first line). */
    public static final SecretParam DBPASSWORD = SecretParam.of("dbpassword");
    /**
     * Every parameter this class reads. The secrets ({@code secrets}, {@code eximSecret}, {@code dbpassword}, each also
     * as {@code *File}, {@code *Env} and {@code *Property}, and {@code srs_config}) are read first, by this class, so
     * that no later error can show one.
     */
    public static final ParamSet PARAMETERS = ParamSet.of().with(SECRETS, EXIM_SECRET, DBPASSWORD)
        .with(Param.text("srs_config", null).secret(), HASHLENGTH, HASHMIN, MAXAGE, USEHASH, USETIMESTAMP,
            SEPARATOR, HASH_ALPHABET, ALWAYS_REWRITE, ALIAS_DOMAINS, ALIAS_DOMAINS_FILE, RELOAD_INTERVAL, BOUNCES_ONLY, DBURL, DBUSER, DBDRIVER, DBINSERT, DBSELECT, DBMODE, DBTIMEOUT, DBDEADLINE,
            DBCONNECTIONS, DBEXPIRE, DBEXPIRE_INTERVAL);
    /** Every parameter name this class reads. */
    public static final Set<String> NAMES = PARAMETERS.names();

    /** The timer of every database call (insert, select) of database mode. */
    public static final String DATABASE_TIMER = "jexim.srs.database";

    /** Longest piece of outside text written to a log line or an SMTP reply, in characters. */
    public static final int LOG_TEXT_LIMIT = 256;

    private final SrsEngine engine;
    private final ReloadingFile<SrsEngine> secretsFile;
    private final EximNativeSrs exim;
    private final SrsDomainList aliasDomains;
    private final boolean bouncesOnly;
    private final boolean bouncesOnlySet;
    private final Duration dbDeadline;
    private final List<String> hidden;
    private ParamValues values;
    private JdbcSrsDatabase database;

    private SrsSettings(SrsEngine engine, ReloadingFile<SrsEngine> secretsFile, EximNativeSrs exim, SrsDomainList aliasDomains,
                        boolean bouncesOnly, boolean bouncesOnlySet, Duration dbDeadline, List<String> hidden) {
        this.engine = engine;
        this.secretsFile = secretsFile;
        this.exim = exim;
        this.aliasDomains = aliasDomains;
        this.bouncesOnly = bouncesOnly;
        this.bouncesOnlySet = bouncesOnlySet;
        this.dbDeadline = dbDeadline;
        this.hidden = hidden;
    }

    /** {@link #read(Function, Function)} with plain paths. */
    public static SrsSettings read(Function<String, String> param) {
        return read(param, Paths::get);
    }

    /** Reads the parameters {@code param} gives of {@link #PARAMETERS} (names it does not list are not seen). */
    public static SrsSettings read(Function<String, String> param, Function<String, Path> files) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String n : PARAMETERS.names()) {
            if (param.apply(n) != null) {
                names.add(n);
            }
        }
        return read(GlueParams.source(names, param), PARAMETERS, files);
    }

    /**
     * Reads and checks every parameter: {@link #PARAMETERS} and the caller's own (in {@code all}, read at the same time
     * so that their errors are redacted too: {@link #values()}). A name {@code all} does not declare is refused.
     *
     * @param source the parameters given
     * @param all {@link #PARAMETERS} with the caller's own
     * @param files the path a {@code *File} value names (e.g. {@link PackFiles#resolve} with James's FileSystem)
     * @throws IllegalArgumentException naming the parameter, never showing a secret or password
     */
    public static SrsSettings read(ParamSource source, ParamSet all, Function<String, Path> files) {
        return read(source, all, files, System::getenv, PackMetrics.NONE);
    }

    /**
     * {@link #read(ParamSource, ParamSet, Function)}, timing every database call as {@link #DATABASE_TIMER} in
     * {@code metrics}.
     */
    public static SrsSettings read(ParamSource source, ParamSet all, Function<String, Path> files, MetricFactory metrics) {
        return read(source, all, files, System::getenv, metrics);
    }

    /** {@link #read(ParamSource, ParamSet, Function)} with the environment {@code *Env} parameters are read from. */
    public static SrsSettings read(ParamSource source, ParamSet all, Function<String, Path> files, Function<String, String> env) {
        return read(source, all, files, env, PackMetrics.NONE);
    }

    /** {@link #read(ParamSource, ParamSet, Function, MetricFactory)} with the environment {@code *Env} parameters are read from. */
    public static SrsSettings read(ParamSource source, ParamSet all, Function<String, Path> files, Function<String, String> env,
                                   MetricFactory metrics) {
        Function<String, String> param = source::get;
        // every secret and password first, so that no later error can show one (a value in the wrong parameter)
        List<String> hidden = new CopyOnWriteArrayList<>();
        Given secrets = secret(param, files, env, SECRETS, true);
        Given eximSecret = secret(param, files, env, EXIM_SECRET, false);
        Given password = secret(param, files, env, DBPASSWORD, false);
        for (Given x : new Given[] {secrets, eximSecret, password}) {
            if (x != null) {
                hidden.addAll(x.values);
            }
        }
        String line = param.apply("srs_config");
        if (line != null && !eximList(line).isEmpty()) {
            hidden.add(eximList(line).get(0)); // its secret (the other fields are never shown in an error)
        }
        String dburl = param.apply("dburl");
        hidden.addAll(JdbcUrlSecrets.passwords(dburl));
        try {
            ParamValues values = all.read(source);
            for (String w : values.warnings()) {
                LOGGER.warn("SRS: {}", w);
            }
            Duration check = values.get(RELOAD_INTERVAL);
            SrsSettings settings = read(param, values, secrets, eximSecret, password, hidden,
                domainList(values, ALIAS_DOMAINS, ALIAS_DOMAINS_FILE, files), files, check, metrics);
            settings.values = values;
            return settings;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(redact(e.getMessage(), hidden));
        }
    }

    private static SrsSettings read(Function<String, String> param, ParamValues v, Given secrets, Given eximSecret, Given password,
                                    List<String> hidden, SrsDomainList aliasDomains, Function<String, Path> files, Duration check,
                                    MetricFactory metrics) {
        String line = param.apply("srs_config");
        boolean srsConfig = line != null && !line.trim().isEmpty();
        Function<List<String>, SrsConfig> configFor = list -> {
            SrsConfig.Builder b = SrsConfig.builder();
            if (list != null) {
                b.secrets(list);
            }
            if (srsConfig) {
                b.srsConfig(line);
            }
            ifSet(v, HASHLENGTH, b::hashLength);
            ifSet(v, HASHMIN, b::hashMin);
            ifSet(v, MAXAGE, b::maxAge);
            ifSet(v, USEHASH, b::useHash);
            ifSet(v, USETIMESTAMP, b::useTimestamp);
            ifSet(v, ALWAYS_REWRITE, b::alwaysRewrite);
            ifSet(v, SEPARATOR, b::separator);
            b.hashAlphabet(SrsConfig.HashAlphabet.parse(v.get(HASH_ALPHABET)));
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith("secrets:") && e.getMessage().contains("at least one")) {
                    throw new IllegalArgumentException("secrets (or secretsFile, secretsEnv, secretsProperty, srs_config): at least one"
                        + " secret is needed; the first signs, all verify");
                }
                throw e;
            }
        };
        String source = secrets == null ? "srs_config" : srsConfig ? secrets.parameter + " and srs_config" : secrets.parameter;
        SrsConfig config = configFor.apply(secrets == null ? null : secrets.values);
        SrsSecrets.check(source, config.secrets());

        EximNativeSrs exim = null;
        if (eximSecret != null) {
            SrsSecrets.check(eximSecret.parameter, eximSecret.values);
            exim = EximNativeSrs.lenient(eximSecret.values.get(0), Clock.systemUTC());
        }
        boolean bouncesOnly = v.get(BOUNCES_ONLY);
        boolean bo = v.isSet(BOUNCES_ONLY);

        String url = param.apply("dburl");
        JdbcSrsDatabase db = null;
        SrsEngine.DbMode mode = null;
        Duration deadline = null;
        if (url == null || url.trim().isEmpty()) {
            for (String n : List.of("dbinsert", "dbselect", "dbmode", "dbuser", "dbdriver", "dbtimeout", "dbdeadline", "dbconnections",
                "dbexpire", "dbexpireInterval")) {
                if (param.apply(n) != null) {
                    throw new IllegalArgumentException(n + " is set but dburl is not: database mode needs dburl");
                }
            }
            if (password != null) {
                throw new IllegalArgumentException(password.parameter + " is set but dburl is not: database mode needs dburl");
            }
        } else {
            url = url.trim();
            String pw = password == null ? null : password.values.get(0);
            String driver = v.get(DBDRIVER);
            if (driver != null) {
                try {
                    Class.forName(driver.trim(), true, SrsSettings.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalArgumentException("dbdriver: class " + driver.trim() + " is not on the classpath (put the JDBC driver JAR in extensions-jars/)");
                }
            }
            Duration timeout = v.get(DBTIMEOUT);
            deadline = v.get(DBDEADLINE);
            int connections = v.get(DBCONNECTIONS);
            DataSource ds = SrsConnectionPool.of(new JdbcUrlDataSource(url, v.get(DBUSER), pw, (int) Math.max(1, timeout.toSeconds()), "<dburl>",
                m -> redact(m, hidden)),
                connections, timeout);
            try {
                db = new JdbcSrsDatabase(ds, v.get(DBINSERT), v.get(DBSELECT), timeout, connections);
            } catch (IllegalArgumentException e) {
                closeQuietly(ds);
                throw e;
            }
            Duration expireEvery = v.get(DBEXPIRE_INTERVAL);
            if (!expireEvery.isZero() && !v.isSet(DBEXPIRE) && (v.isSet(DBINSERT) || v.isSet(DBSELECT))) {
                db.close();
                throw new IllegalArgumentException("dbexpire: dbinsert or dbselect names your own table: give dbexpire for it too"
                    + " (a DELETE with $srs_db_before), or dbexpireInterval 0s to expire rows yourself");
            }
            if (!expireEvery.isZero()) {
                // an address is valid for maxage days after its day stamp: its row is useless one day later
                Duration keep = Duration.ofDays(config.maxAge() + 1L);
                try {
                    db.expireEvery(v.get(DBEXPIRE), expireEvery, keep, Clock.systemUTC(), (deleted, before, error) -> {
                        if (error != null) {
                            LOGGER.warn("SRS database expiry failed (tried again in dbexpireInterval): {}", LogText.escape(redact(error, hidden), LOG_TEXT_LIMIT));
                        } else if (deleted > 0) {
                            LOGGER.info("SRS database expiry: {} rows older than {} deleted", deleted, before);
                        }
                    });
                } catch (IllegalArgumentException e) {
                    db.close();
                    throw new IllegalArgumentException("dbexpire: " + e.getMessage());
                }
            }
            mode = v.get(DBMODE);
            mode = mode == null ? SrsEngine.DbMode.ALWAYS : mode;
        }
        SrsDatabase database = db == null ? null : timed(db, metrics);
        SrsEngine.DbMode dbMode = mode;
        Function<SrsConfig, SrsEngine> engineFor = c -> database == null ? new SrsEngine(c, Clock.systemUTC())
            : new SrsEngine(c, Clock.systemUTC(), database, dbMode);
        ReloadingFile<SrsEngine> secretsFile = null;
        if (secrets != null && secrets.file != null) {
            secretsFile = reloading(secrets.parameter, secrets.file, configFor, engineFor, srsConfig ? source : secrets.parameter, hidden,
                check);
        }
        SrsSettings settings = new SrsSettings(secretsFile == null ? engineFor.apply(config) : null, secretsFile, exim, aliasDomains,
            bouncesOnly, bo, deadline, hidden);
        settings.database = db;
        return settings;
    }

    /**
     * The engine, built again from the secrets file when it changes: the whole file is read and checked like at the
     * start ({@link SrsSecrets}); a file that fails keeps the secrets in use (one WARN, without a secret).
     */
    private static ReloadingFile<SrsEngine> reloading(String parameter, Path file, Function<List<String>, SrsConfig> configFor,
                                                      Function<SrsConfig, SrsEngine> engineFor, String source, List<String> hidden,
                                                      Duration check) {
        Function<Path, SrsEngine> reader = path -> {
            List<String> list = SrsSecrets.lines(parameter, path, SecretFiles.read(parameter, path, SrsSecrets.MAX_FILE_OCTETS));
            try {
                SrsConfig c = configFor.apply(list);
                SrsSecrets.check(source, c.secrets());
                for (String x : list) {
                    if (!hidden.contains(x)) {
                        hidden.add(x);
                    }
                }
                return engineFor.apply(c);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(redact(e.getMessage(), list));
            }
        };
        return new ReloadingFile<>(file, reader, check, Clock.systemUTC(), new ReloadingFile.Listener<SrsEngine>() {
            @Override
            public void loaded(Path p, SrsEngine engine, boolean reload) {
                LOGGER.info("SRS {} {} {}: {} secrets in use (the first signs)", parameter, LogText.escape(p.toString(), LOG_TEXT_LIMIT),
                    reload ? "reloaded" : "read", engine.config().secrets().size());
            }

            @Override
            public void failed(Path p, String why) {
                LOGGER.warn("SRS {} {}: {}", parameter, LogText.escape(p.toString(), LOG_TEXT_LIMIT), LogText.escape(redact(why, hidden), LOG_TEXT_LIMIT));
            }
        });
    }

    /** The engine only (callers that need nothing else). */
    public static SrsEngine engine(Function<String, String> param) {
        return read(param).engine();
    }

    /** The engine only, resolving {@code *File} values with {@code files}. */
    public static SrsEngine engine(Function<String, String> param, Function<String, Path> files) {
        return read(param, files).engine();
    }

    /** The engine in use now: built again when the {@code secretsFile} changed (looked at every {@code reloadInterval}). */
    public SrsEngine engine() {
        return secretsFile == null ? engine : secretsFile.get();
    }

    /** True when the secrets come from a file that is read again when it changes. */
    public boolean secretsReloaded() {
        return secretsFile != null;
    }

    /** Database mode's database (its calls not timed), for the SRS database health check; empty without database mode. */
    public Optional<SrsDatabase> database() {
        return Optional.ofNullable(database);
    }

    /** Stops the database mode's worker threads; for the {@code destroy()} of the component that read these settings. */
    public void close() {
        if (database != null) {
            database.close();
        }
    }

    /** Every parameter read, the caller's own included (see {@link #read(ParamSource, ParamSet, Function)}). */
    public ParamValues values() {
        return values;
    }

    /** Exim native SRS ({@code eximSecret}), lenient about case; null when not configured. */
    public EximNativeSrs exim() {
        return exim;
    }

    /** {@code aliasDomains} and {@code aliasDomainsFile}, lower case; empty = every local domain. */
    public List<String> aliasDomains() {
        return aliasDomains.domains();
    }

    /** The alias domains as a list that follows its file. */
    public SrsDomainList aliasDomainList() {
        return aliasDomains;
    }

    /**
     * The domains of {@code list} and of the file {@code file} names (resolved by {@code files}; read again when it
     * changes, each read logged at INFO, a bad file at WARN with the list in use kept).
     */
    public static SrsDomainList domainList(ParamValues v, Param<List<String>> list, Param<String> file, Function<String, Path> files) {
        List<String> fixed = v.get(list) == null ? List.of() : v.get(list);
        String f = v.get(file);
        if (f == null || f.trim().isEmpty()) {
            return new SrsDomainList(list.name(), fixed, null, Duration.ZERO, Clock.systemUTC(), null);
        }
        Path path;
        try {
            path = files.apply(f.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file.name() + ": " + e.getMessage());
        }
        String name = file.name();
        try {
            return new SrsDomainList(list.name(), fixed, path, v.get(RELOAD_INTERVAL), Clock.systemUTC(), new SrsDomainList.Listener() {
                @Override
                public void loaded(Path p, int domains, boolean reload) {
                    LOGGER.info("SRS {} {} {}: {} domains in use", name, LogText.escape(p.toString(), LOG_TEXT_LIMIT), reload ? "reloaded" : "read", domains);
                }

                @Override
                public void failed(Path p, String why) {
                    LOGGER.warn("SRS {} {}: {}", name, LogText.escape(p.toString(), LOG_TEXT_LIMIT), LogText.escape(why, LOG_TEXT_LIMIT));
                }
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    /** {@code bouncesOnly}: only the null sender may use our SRS addresses (default true). */
    public boolean bouncesOnly() {
        return bouncesOnly;
    }

    /** True when {@code bouncesOnly} was written in the configuration. */
    public boolean bouncesOnlySet() {
        return bouncesOnlySet;
    }

    /** True when database mode is configured. */
    public boolean databaseMode() {
        return dbDeadline != null;
    }

    /** A new deadline for one message's database calls ({@code dbdeadline}); none without database mode. */
    public SrsDeadline deadline() {
        return dbDeadline == null ? SrsDeadline.none() : SrsDeadline.in(dbDeadline);
    }

    /** Is {@code domain} one of our SRS domains: in {@code aliasDomains}, or, when that is empty, {@code local}. */
    public boolean inAliasDomains(Domain domain, Predicate<Domain> local) {
        if (aliasDomains.isEmpty()) {
            return local.test(domain);
        }
        return aliasDomains.contains(domain.asString());
    }

    /**
     * Outside text (an address, an error of the engine or the database driver) made fit for a log line: every secret,
     * password and URL password replaced by {@code <hidden>}, then {@link LogText#escape}d to {@link #LOG_TEXT_LIMIT}.
     */
    public String safe(String text) {
        return text == null ? "" : LogText.escape(redact(text, hidden), LOG_TEXT_LIMIT);
    }

    /** {@code text} (e.g. an error message) with every secret and password replaced by {@code <hidden>}. */
    public String redact(String text) {
        return redact(text, hidden);
    }

    /** {@code text} with every hidden value replaced by {@code <hidden>} ({@link JdbcUrlSecrets#redact}). */
    private static String redact(String text, List<String> hidden) {
        return JdbcUrlSecrets.redact(text, hidden);
    }

    /** Outside text fit for an attribute value as it is: at most 512 characters, no control characters. */
    public static boolean attributeSafe(String text) {
        if (text == null || text.length() > SrsConfig.MAX_ADDRESS_OCTETS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                return false;
            }
        }
        return true;
    }

    /** A secret as given ({@link SecretParam}): the parameter it came from, its values, its file (or null). */
    private static final class Given {
        final String parameter;
        final List<String> values;
        final Path file;

        Given(String parameter, List<String> values, Path file) {
            this.parameter = parameter;
            this.values = values;
            this.file = file;
        }
    }

    /** {@code name}, {@code nameFile}, {@code nameEnv} or {@code nameProperty}: at most one; null when none is set. */
    private static Given secret(Function<String, String> param, Function<String, Path> files, Function<String, String> env,
                                SecretParam sp, boolean list) {
        Secret s = sp.read(param, files, env);
        if (s == null) {
            return null;
        }
        List<String> values;
        if (s.form() == Secret.Form.FILE) {
            List<String> lines = SrsSecrets.lines(s.parameter(), s.file(), s.text());
            values = list ? lines : List.of(lines.get(0));
        } else {
            values = list ? eximList(s.text()) : List.of(s.text().trim());
        }
        return new Given(s.parameter(), values, s.form() == Secret.Form.FILE && list ? s.file() : null);
    }

    /** {@code db} with each call timed as {@link #DATABASE_TIMER} (failed and timed-out calls included). */
    private static SrsDatabase timed(SrsDatabase db, MetricFactory metrics) {
        if (metrics == PackMetrics.NONE) {
            return db;
        }
        return new SrsDatabase() {
            @Override
            public void insert(String key, String address, Duration timeout) throws SrsDatabaseException {
                PackMetrics.time(metrics, DATABASE_TIMER, () -> {
                    db.insert(key, address, timeout);
                    return null;
                });
            }

            @Override
            public Optional<String> select(String key, Duration timeout) throws SrsDatabaseException {
                return PackMetrics.time(metrics, DATABASE_TIMER, () -> db.select(key, timeout));
            }

            @Override
            public String toString() {
                return db.toString();
            }
        };
    }

    private static void closeQuietly(DataSource ds) {
        if (ds instanceof AutoCloseable) {
            try {
                ((AutoCloseable) ds).close();
            } catch (Exception ignored) {
                // closing after a refused configuration
            }
        }
    }

    /** Hands the value of {@code p} to {@code set} when it was given (the engine keeps its own default otherwise). */
    private static <T> void ifSet(ParamValues v, Param<T> p, java.util.function.Consumer<T> set) {
        if (v.isSet(p)) {
            set.accept(v.get(p));
        }
    }






    /** Exim list, colon-separated, {@code ::} is a literal colon, items trimmed, empty items dropped. */
    public static List<String> eximList(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':' && i + 1 < s.length() && s.charAt(i + 1) == ':') {
                cur.append(':');
                i++;
            } else if (c == ':') {
                add(out, cur);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String v = cur.toString().trim();
        if (!v.isEmpty()) {
            out.add(v);
        }
        cur.setLength(0);
    }

    /** Lower-cased domains of an Exim list (e.g. {@code aliasDomains}). */
    public static List<String> domains(String s) {
        List<String> out = new ArrayList<>();
        for (String d : eximList(s == null ? "" : s.replace(',', ':'))) {
            out.add(d.toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableList(out);
    }
}
