package org.jamesexim.common.lookup;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jamesexim.common.jdbc.JdbcCalls;

/**
 * A lookup by one parameterised {@code SELECT} ({@code <word>LookupQuery}): {@code $key} (or {@code ${key}}) is
 * bound as a JDBC parameter, never pasted into the SQL; the first column of the first row is the value (no row, or
 * NULL: not found). Each query runs through {@link JdbcCalls} (the pool of {@link org.jamesexim.common.jdbc.JdbcPool},
 * at most {@code <word>LookupConnections} calls at a time, each within {@code <word>LookupTimeout} and what the
 * message's {@link Deadline} leaves); a database that fails or does not answer in time gives a temporary failure.
 * Thread-safe.
 */
public final class JdbcLookup implements Lookup {
    private static final Pattern KEY = Pattern.compile("\\$(?:\\{key\\}|key(?![A-Za-z0-9_]))");

    private final String name;
    private final String sql;
    private final int keys;
    private final JdbcCalls calls;
    private final Lookup.ValueCheck check;
    private final Duration deadline;
    private final UnaryOperator<String> redact;

    /**
     * @param name for errors and log lines, without password ({@code optinLookup jdbc:postgresql://db/mail})
     * @param query a SELECT with {@code $key}
     * @param redact removes passwords from a driver's message
     * @throws IllegalArgumentException when the query is not a SELECT with {@code $key}
     */
    public JdbcLookup(String name, String queryParameter, String query, DataSource dataSource, Duration timeout, int connections,
                      String connectionsParameter, Duration deadline, Lookup.ValueCheck check, UnaryOperator<String> redact) {
        this.name = name;
        String q = Objects.requireNonNull(query, queryParameter).trim();
        if (!q.toLowerCase(Locale.ROOT).startsWith("select") || q.indexOf(';') >= 0) {
            throw new IllegalArgumentException(queryParameter + ": must be one SELECT statement (no ';'), returning the value in its first column");
        }
        Matcher m = KEY.matcher(q);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        int n = 0;
        while (m.find()) {
            if (insideQuotes(q, m.start())) {
                throw new IllegalArgumentException(queryParameter + ": write $key without quotes (it is bound as a parameter, never pasted)");
            }
            sb.append(q, last, m.start()).append('?');
            last = m.end();
            n++;
        }
        sb.append(q.substring(last));
        if (n == 0) {
            throw new IllegalArgumentException(queryParameter + ": must use $key where the key goes (it is bound, never pasted)");
        }
        this.sql = sb.toString();
        this.keys = n;
        this.check = check == null ? Lookup.ValueCheck.ANY : check;
        this.deadline = deadline;
        this.redact = redact == null ? UnaryOperator.identity() : redact;
        this.calls = new JdbcCalls(dataSource, "jexim-lookup-" + Integer.toHexString(System.identityHashCode(this)), timeout, connections, connectionsParameter);
    }

    /** True when {@code at} is inside a '...' or "..." of {@code sql} (a doubled quote inside is one quote). */
    private static boolean insideQuotes(String sql, int at) {
        char open = 0;
        for (int i = 0; i < at; i++) {
            char c = sql.charAt(i);
            if (open == 0 && (c == '\'' || c == '"')) {
                open = c;
            } else if (c == open) {
                open = 0; // a doubled quote closes and opens again: same state after both
            }
        }
        return open != 0;
    }

    /** The SQL sent, with {@code ?} for each {@code $key}. */
    public String sql() {
        return sql;
    }

    @Override
    public LookupResult find(String key, Deadline d) {
        if (key == null || key.length() > MAX_KEY_CHARS) {
            return LookupResult.notFound("key longer than " + MAX_KEY_CHARS + " characters");
        }
        String k = key.toLowerCase(Locale.ROOT);
        String value;
        try {
            value = calls.call(name + " query", (d == null ? deadline() : d).remaining(), (c, seconds) -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setQueryTimeout(seconds);
                    ps.setMaxRows(1);
                    for (int i = 1; i <= keys; i++) {
                        ps.setString(i, k);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
        } catch (JdbcCalls.CallException e) {
            return LookupResult.failed(redact.apply(e.getMessage()));
        }
        if (value == null) {
            return LookupResult.notFound();
        }
        value = value.trim();
        if (value.length() > MAX_VALUE_CHARS) {
            return LookupResult.notFound("value longer than " + MAX_VALUE_CHARS + " characters");
        }
        String problem = check.problem(value);
        return problem == null ? LookupResult.found(value) : LookupResult.notFound("value refused: " + problem);
    }

    @Override
    public Deadline deadline() {
        return Deadline.in(deadline);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return "JdbcLookup{" + name + "}";
    }
}
