package org.jamesexim.srs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * Database mode over a JDBC {@link DataSource}. The SQL is configurable like Exim's {@code srs_dbinsert} /
 * {@code srs_dbselect}: write {@code $srs_db_key} and {@code $srs_db_address} (or {@code ${srs_db_key}},
 * {@code ${srs_db_address}}) where the values go; they are bound as JDBC parameters, never pasted into the SQL.
 * Every statement has a query timeout. A duplicate key on insert (the same sender forwarded again) is not an
 * error. Thread-safe as long as the DataSource is.
 */
public final class JdbcSrsDatabase implements SrsDatabase {
    public static final String DEFAULT_INSERT = "INSERT INTO srs_address (srs_key, address) VALUES ($srs_db_key, $srs_db_address)";
    public static final String DEFAULT_SELECT = "SELECT address FROM srs_address WHERE srs_key = $srs_db_key";
    /** Creates the table the default SQL uses (portable: H2, PostgreSQL, MariaDB, Derby). */
    public static final String DEFAULT_CREATE = "CREATE TABLE srs_address (srs_key VARCHAR(64) PRIMARY KEY, address VARCHAR(1024) NOT NULL, "
        + "created TIMESTAMP DEFAULT CURRENT_TIMESTAMP)";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(srs_db_key|srs_db_address)\\}?");

    private final DataSource dataSource;
    private final Statement insert;
    private final Statement select;
    private final int timeoutSeconds;

    /**
     * @param insertSql with {@code $srs_db_key} and {@code $srs_db_address}
     * @param selectSql with {@code $srs_db_key}; its first column of the first row is the address
     * @param timeout per statement (rounded up to whole seconds, at least 1)
     */
    public JdbcSrsDatabase(DataSource dataSource, String insertSql, String selectSql, Duration timeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.insert = Statement.parse("dbinsert", insertSql);
        this.select = Statement.parse("dbselect", selectSql);
        if (!insert.variables.contains("srs_db_key") || !insert.variables.contains("srs_db_address")) {
            throw new IllegalArgumentException("dbinsert must use both $srs_db_key and $srs_db_address");
        }
        if (!select.variables.contains("srs_db_key")) {
            throw new IllegalArgumentException("dbselect must use $srs_db_key");
        }
        long s = (timeout.toMillis() + 999) / 1000;
        this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
    }

    @Override
    public void insert(String key, String address) throws SrsDatabaseException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = insert.prepare(c, key, address, timeoutSeconds)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            if (isDuplicate(e)) {
                return;
            }
            throw new SrsDatabaseException(describe(e), e);
        }
    }

    @Override
    public Optional<String> select(String key) throws SrsDatabaseException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = select.prepare(c, key, null, timeoutSeconds);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return Optional.ofNullable(rs.getString(1));
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new SrsDatabaseException(describe(e), e);
        }
    }

    private static boolean isDuplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x instanceof java.sql.SQLIntegrityConstraintViolationException || "23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(SQLException e) {
        return e.getClass().getSimpleName() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")") + ": " + e.getMessage();
    }

    /** SQL text with the variables turned into {@code ?} and their order remembered. */
    private static final class Statement {
        final String sql;
        final List<String> variables;

        private Statement(String sql, List<String> variables) {
            this.sql = sql;
            this.variables = variables;
        }

        static Statement parse(String name, String text) {
            if (text == null || text.trim().isEmpty()) {
                throw new IllegalArgumentException(name + " is empty");
            }
            Matcher m = VARIABLE.matcher(text);
            StringBuilder sb = new StringBuilder();
            List<String> vars = new ArrayList<>();
            int last = 0;
            while (m.find()) {
                sb.append(text, last, m.start()).append('?');
                vars.add(m.group(1));
                last = m.end();
            }
            sb.append(text.substring(last));
            return new Statement(sb.toString(), Collections.unmodifiableList(vars));
        }

        PreparedStatement prepare(Connection c, String key, String address, int timeoutSeconds) throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            try {
                ps.setQueryTimeout(timeoutSeconds);
                for (int i = 0; i < variables.size(); i++) {
                    ps.setString(i + 1, variables.get(i).equals("srs_db_key") ? key : address);
                }
                return ps;
            } catch (SQLException e) {
                ps.close();
                throw e;
            }
        }
    }
}
