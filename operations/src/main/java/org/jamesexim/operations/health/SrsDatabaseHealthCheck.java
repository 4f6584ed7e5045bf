package org.jamesexim.operations.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.filesystem.api.FileSystem;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.PackFiles;
import org.jamesexim.mailets.SrsForward;
import org.jamesexim.mailets.SrsReverse;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.srs.SrsOwnCopy;
import org.jamesexim.smtp.SrsRcptHook;
import org.jamesexim.srs.SrsDatabase;

/**
 * Whether the SRS database answers, for each SRS class in database mode ({@code dburl} set on
 * {@code org.jamesexim.mailets.SrsForward}, {@code SrsReverse} or {@code org.jamesexim.smtp.SrsRcptHook}): one
 * {@code dbselect} of a key no address has, over a connection made with that class's own settings ({@code dburl},
 * {@code dbuser}, {@code dbpassword} from wherever the operator keeps it, {@code dbdriver}, {@code dbtimeout}).
 * The check keeps one connection of its own and never expires rows (the classes do). Unhealthy when no database
 * answers (forwarded mail then keeps its sender, bounces get 4xx), degraded when some do. The cause names the
 * class and the database's error, never the URL or the password.
 *
 * <p>{@code conf/healthcheck.properties}, beside an SRS configuration in database mode:</p>
 * <pre>
 * additional.healthchecks=org.jamesexim.operations.health.SrsDatabaseHealthCheck
 * </pre>
 * Component name {@value #NAME}.
 */
public class SrsDatabaseHealthCheck extends PackHealthCheck {
    public static final String NAME = "SRS database";
    /** A key {@code dbinsert} never writes (SRS keys are hash characters), so the select finds nothing. */
    static final String PROBE_KEY = "jexim-healthcheck";

    private final List<Target> targets = new ArrayList<>();

    private static final class Target {
        final String where;
        final SrsSettings settings;
        final Duration timeout;

        Target(String where, SrsSettings settings, Duration timeout) {
            this.where = where;
            this.settings = settings;
            this.timeout = timeout;
        }
    }

    @Inject
    public SrsDatabaseHealthCheck(PackConfiguration configuration, FileSystem fileSystem) {
        super(NAME);
        add(configuration.mailets(SrsForward.class.getName()), SrsForward.PARAMETERS, fileSystem);
        add(configuration.mailets(SrsReverse.class.getName()), SrsReverse.PARAMETERS, fileSystem);
        add(configuration.smtpHandlers(SrsRcptHook.class.getName()), SrsRcptHook.PARAMETERS, fileSystem);
        if (targets.isEmpty()) {
            required(List.of(), SrsDatabaseHealthCheck.class, "SRS database mode (dburl on SrsForward, SrsReverse or SrsRcptHook)");
        }
    }

    private void add(List<PackConfiguration.Element> elements, ParamSet parameters, FileSystem fileSystem) {
        for (PackConfiguration.Element e : elements) {
            if (e.parameters().get(SrsSettings.DBURL.name()) == null) {
                continue;
            }
            SrsSettings s = SrsSettings.read(SrsOwnCopy.of(e.parameters()), parameters, f -> PackFiles.resolve(fileSystem, f));
            targets.add(new Target(e.where(), s, s.values().get(SrsSettings.DBTIMEOUT)));
        }
    }

    @Override
    protected Result probe() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            SrsDatabase db = t.settings.database().orElseThrow();
            try {
                db.select(PROBE_KEY, t.timeout);
                outcomes.add(Outcome.ok(t.where));
            } catch (SrsDatabase.SrsDatabaseException e) {
                outcomes.add(Outcome.failed(t.where, t.settings.redact(String.valueOf(e.getMessage()))));
            }
        }
        return combine(outcomes);
    }
}
