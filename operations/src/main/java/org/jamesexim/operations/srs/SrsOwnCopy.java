package org.jamesexim.operations.srs;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jamesexim.common.config.ParamSource;
import org.jamesexim.mailets.SrsSettings;

/**
 * An SRS class's parameters for an operator tool's own copy of its settings (a health check, a WebAdmin route): the
 * same secrets, database and limits, but one database connection and no expiry of rows (the configured classes
 * expire them; a second copy doing it too would only repeat their work).
 */
public final class SrsOwnCopy {
    private SrsOwnCopy() {
    }

    /** {@code given} as it is without database mode ({@code dburl} not set). */
    public static ParamSource of(ParamSource given) {
        if (given.get(SrsSettings.DBURL.name()) == null) {
            return given;
        }
        Set<String> names = new LinkedHashSet<>(given.names());
        names.add(SrsSettings.DBCONNECTIONS.name());
        names.add(SrsSettings.DBEXPIRE_INTERVAL.name());
        return new ParamSource() {
            @Override
            public Set<String> names() {
                return names;
            }

            @Override
            public String get(String name) {
                if (name.equals(SrsSettings.DBCONNECTIONS.name())) {
                    return "1";
                }
                if (name.equals(SrsSettings.DBEXPIRE_INTERVAL.name())) {
                    return "0s";
                }
                return given.get(name);
            }
        };
    }
}
