package org.jamesexim.common.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * A DataSource over {@link DriverManager} for a {@code jdbc:} URL; the password is only handed to the driver. For
 * PostgreSQL the login, connect and socket timeouts are set to {@code timeoutSeconds} unless the URL sets them (other
 * drivers: set them in the URL; {@link JdbcCalls}'s own deadline holds in any case). A driver's error is given
 * without the URL (drivers repeat it: {@code No suitable driver found for ...}) and passed through {@code redact}
 * (the pool logs what it gets), and the original (and its causes) is not kept.
 */
public final class JdbcUrlDataSource implements javax.sql.DataSource {
    private final String url;
    private final String urlName;
    private final Properties props = new Properties();
    private final UnaryOperator<String> redact;

    /**
     * @param urlName what the URL is written as in errors (its parameter: {@code <dburl>})
     * @param redact removes passwords from a driver's message
     */
    public JdbcUrlDataSource(String url, String user, String password, int timeoutSeconds, String urlName, UnaryOperator<String> redact) {
        this.url = Objects.requireNonNull(url, "url");
        this.urlName = urlName;
        this.redact = redact == null ? UnaryOperator.identity() : redact;
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            for (String p : List.of("loginTimeout", "connectTimeout", "socketTimeout")) {
                if (!url.contains(p + "=")) {
                    props.setProperty(p, String.valueOf(timeoutSeconds));
                }
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw hide(e);
        }
    }

    private SQLException hide(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = redact.apply(m.replace(url, urlName));
        return new SQLException(m, e.getSQLState(), e.getErrorCode());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties p = new Properties();
        p.putAll(props);
        p.setProperty("user", username);
        p.setProperty("password", password);
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw hide(e);
        }
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
        // the timeouts come from the constructor; DriverManager's login timeout is JVM-wide, not touched
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
        return "JdbcUrlDataSource";
    }
}
