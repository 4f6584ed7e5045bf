package org.jamesexim.operations.health;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.Result;
import org.jamesexim.dovecot.DovecotAuthClient;
import org.jamesexim.dovecot.DovecotAuthConfig;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.smtp.DovecotAuthHook;

/**
 * Whether the Dovecot auth service of each {@code org.jamesexim.smtp.DovecotAuthHook} in {@code smtpserver.xml}
 * answers: a fresh connection with the hook's own settings ({@code server_socket}, TLS, {@code connect_timeout},
 * {@code timeout}), Dovecot's handshake, and {@code PLAIN} among its mechanisms (the one the hook sends). No
 * credentials are sent. Unhealthy when no Dovecot answers (SMTP AUTH then gets 454), degraded when some do.
 *
 * <p>{@code conf/healthcheck.properties}, beside the hook of {@code james-config/examples/dovecot-smtpserver.xml}:</p>
 * <pre>
 * additional.healthchecks=org.jamesexim.operations.health.DovecotAuthHealthCheck
 * </pre>
 * Component name {@value #NAME}; {@code curl http://127.0.0.1:8000/healthcheck/checks/Dovecot%20auth}.
 */
public class DovecotAuthHealthCheck extends PackHealthCheck {
    public static final String NAME = "Dovecot auth";

    private final List<Target> targets = new ArrayList<>();

    private static final class Target {
        final String name;
        final DovecotAuthConfig config;

        Target(String name, DovecotAuthConfig config) {
            this.name = name;
            this.config = config;
        }
    }

    @Inject
    public DovecotAuthHealthCheck(PackConfiguration configuration) {
        super(NAME);
        for (PackConfiguration.Element e : required(configuration.smtpHandlers(DovecotAuthHook.class.getName()),
                DovecotAuthHealthCheck.class, "org.jamesexim.smtp.DovecotAuthHook (smtpserver.xml)")) {
            DovecotAuthConfig config = DovecotAuthHook.clientConfig(
                GlueParams.read(DovecotAuthHook.PARAMETERS, e.parameters(), DovecotAuthHook.class, "DovecotAuthHook: "));
            targets.add(new Target("Dovecot at " + config.endpoint(), config));
        }
    }

    @Override
    protected Result probe() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            try (DovecotAuthClient client = new DovecotAuthClient(t.config)) {
                Set<String> mechanisms = client.mechanisms();
                outcomes.add(mechanisms.contains("PLAIN") ? Outcome.ok(t.name)
                    : Outcome.failed(t.name, "answers but does not offer PLAIN (offers " + String.join(" ", mechanisms) + ")"));
            } catch (IOException e) {
                outcomes.add(Outcome.failed(t.name, String.valueOf(e.getMessage())));
            }
        }
        return combine(outcomes);
    }
}
