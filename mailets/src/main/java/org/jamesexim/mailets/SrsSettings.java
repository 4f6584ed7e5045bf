package org.jamesexim.mailets;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jamesexim.srs.JdbcSrsDatabase;
import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsEngine;

/**
 * Reads the SRS parameters shared by {@link SrsForward}, {@link SrsReverse} and {@code org.jamesexim.smtp.SrsRcptHook}
 * (Exim's names): {@code secrets} (an Exim list: {@code new:old}, {@code ::} for a colon inside a secret; the
 * first signs), {@code secretsFile} (a file holding them instead, one a line, the first signs; blank lines and
 * {@code #} comments ignored; an absolute path or a {@code file://} URL, see {@link PackFiles}), {@code srs_config}, {@code hashlength}, {@code hashmin}, {@code maxage}, {@code usehash},
 * {@code usetimestamp}, {@code separator}, {@code alwaysRewrite}; database mode: {@code dburl}, {@code dbuser},
 * {@code dbpassword}, {@code dbdriver}, {@code dbinsert}, {@code dbselect}, {@code dbmode}, {@code dbtimeout}.
 * Every error names the parameter and never shows a secret or password.
 */
public final class SrsSettings {
    /** Every parameter name this class reads. */
    public static final Set<String> NAMES = Set.of("secrets", "secretsFile", "srs_config", "hashlength", "hashmin", "maxage", "usehash",
        "usetimestamp", "separator", "alwaysRewrite", "dburl", "dbuser", "dbpassword", "dbdriver", "dbinsert", "dbselect", "dbmode", "dbtimeout");

    private SrsSettings() {
    }

    /**
     * Builds the engine.
     *
     * @param param a parameter's value by name, null when absent
     * @throws IllegalArgumentException naming the parameter
     */
    public static SrsEngine engine(Function<String, String> param) {
        return engine(param, Paths::get);
    }

    /**
     * Builds the engine, resolving {@code secretsFile} with {@code files} (e.g. {@link PackFiles#resolve} with James's
     * FileSystem).
     *
     * @param param a parameter's value by name, null when absent
     * @param files the path a {@code secretsFile} value names
     * @throws IllegalArgumentException naming the parameter
     */
    public static SrsEngine engine(Function<String, String> param, Function<String, Path> files) {
        SrsConfig.Builder b = SrsConfig.builder();
        String secrets = param.apply("secrets");
        String secretsFile = param.apply("secretsFile");
        boolean inline = secrets != null && !secrets.trim().isEmpty();
        if (inline && secretsFile != null && !secretsFile.trim().isEmpty()) {
            throw new IllegalArgumentException("secrets and secretsFile are both set: give the secrets in one place");
        }
        if (inline) {
            b.secrets(eximList(secrets));
        } else if (secretsFile != null && !secretsFile.trim().isEmpty()) {
            b.secrets(readSecrets(secretsFile.trim(), files));
        }
        String line = param.apply("srs_config");
        if (line != null && !line.trim().isEmpty()) {
            b.srsConfig(line);
        }
        integer(param, "hashlength", b::hashLength);
        integer(param, "hashmin", b::hashMin);
        integer(param, "maxage", b::maxAge);
        bool(param, "usehash", b::useHash);
        bool(param, "usetimestamp", b::useTimestamp);
        bool(param, "alwaysRewrite", b::alwaysRewrite);
        String sep = param.apply("separator");
        if (sep != null) {
            b.separator(sep.trim());
        }
        SrsConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("secrets")) {
                throw new IllegalArgumentException("secrets (or secretsFile, srs_config): at least one secret is needed; the first signs, all verify");
            }
            throw e;
        }
        String url = param.apply("dburl");
        if (url == null || url.trim().isEmpty()) {
            for (String n : List.of("dbinsert", "dbselect", "dbmode", "dbuser", "dbpassword", "dbdriver")) {
                if (param.apply(n) != null) {
                    throw new IllegalArgumentException(n + " is set but dburl is not: database mode needs dburl");
                }
            }
            return new SrsEngine(config, Clock.systemUTC());
        }
        String driver = param.apply("dbdriver");
        if (driver != null && !driver.trim().isEmpty()) {
            try {
                Class.forName(driver.trim(), true, SrsSettings.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("dbdriver: class " + driver.trim() + " is not on the classpath (put the JDBC driver JAR in extensions-jars/)");
            }
        }
        Duration timeout = Duration.ofSeconds(5);
        String t = param.apply("dbtimeout");
        if (t != null) {
            try {
                timeout = Duration.ofSeconds(Long.parseLong(t.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dbtimeout must be whole seconds, not '" + t + "'");
            }
        }
        DataSource ds = new UrlDataSource(url.trim(), param.apply("dbuser"), param.apply("dbpassword"));
        String insert = orDefault(param.apply("dbinsert"), JdbcSrsDatabase.DEFAULT_INSERT);
        String select = orDefault(param.apply("dbselect"), JdbcSrsDatabase.DEFAULT_SELECT);
        JdbcSrsDatabase db = new JdbcSrsDatabase(ds, insert, select, timeout);
        String mode = param.apply("dbmode");
        return new SrsEngine(config, Clock.systemUTC(), db, mode == null ? SrsEngine.DbMode.ALWAYS : SrsEngine.DbMode.parse(mode));
    }

    /** The secrets of a secrets file, one a line (the text of the file never appears in an error). */
    private static List<String> readSecrets(String spec, Function<String, Path> files) {
        Path p;
        try {
            p = files.apply(spec);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("secretsFile: " + e.getMessage());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("secretsFile: cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("secretsFile: " + p + " holds no secret (one a line, the first signs)");
        }
        return out;
    }

    private static String orDefault(String v, String def) {
        return v == null || v.trim().isEmpty() ? def : v;
    }

    private static void integer(Function<String, String> param, String name, java.util.function.IntConsumer set) {
        String v = param.apply(name);
        if (v != null) {
            try {
                set.accept(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
            }
        }
    }

    private static void bool(Function<String, String> param, String name, java.util.function.Consumer<Boolean> set) {
        String v = param.apply(name);
        if (v != null) {
            set.accept(SrsConfig.boolField(name, v));
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
        return out;
    }

    /** A DataSource over DriverManager; the password is only handed to the driver. */
    static final class UrlDataSource implements DataSource {
        private final String url;
        private final Properties props = new Properties();

        UrlDataSource(String url, String user, String password) {
            this.url = url;
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, props);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", username);
            p.setProperty("password", password);
            return DriverManager.getConnection(url, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "UrlDataSource";
        }
    }
}
