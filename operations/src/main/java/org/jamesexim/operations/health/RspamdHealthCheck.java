package org.jamesexim.operations.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.Result;
import org.jamesexim.bmi.RspamdClient;
import org.jamesexim.common.Endpoint;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.BmiRun;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;

/**
 * Whether the Rspamd of each {@code org.jamesexim.mailets.BmiRun} in {@code mailetcontainer.xml} scans: a small
 * message sent to its {@code endpoint} and {@code path} with the mailet's {@code connect_timeout} and
 * {@code timeout}, answered with a check result. Unhealthy when no Rspamd answers (BMI then fails open or closed
 * as {@code on_error} says), degraded when some do.
 *
 * <p>{@code conf/healthcheck.properties}, beside a {@code BmiRun} mailet:</p>
 * <pre>
 * additional.healthchecks=org.jamesexim.operations.health.RspamdHealthCheck
 * </pre>
 * Component name {@value #NAME}.
 */
public class RspamdHealthCheck extends PackHealthCheck {
    public static final String NAME = "BMI Rspamd";
    /** What is scanned: a few bytes, nothing a rule should care about. */
    static final byte[] PROBE = ("From: healthcheck@localhost\r\nTo: healthcheck@localhost\r\nSubject: James Exim Pack health check\r\n"
        + "Message-ID: <healthcheck@localhost>\r\n\r\nping\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Map<Endpoint, RspamdClient> clients = new LinkedHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jexim-rspamd-healthcheck-watchdog");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public RspamdHealthCheck(PackConfiguration configuration) {
        super(NAME);
        for (PackConfiguration.Element e : required(configuration.mailets(BmiRun.class.getName()), RspamdHealthCheck.class,
                "org.jamesexim.mailets.BmiRun (mailetcontainer.xml)")) {
            ParamValues v = GlueParams.read(BmiRun.PARAMETERS, e.parameters(), BmiRun.class, "BmiRun: ");
            clients.computeIfAbsent(v.get(BmiRun.ENDPOINT), endpoint ->
                new RspamdClient(endpoint, v.get(BmiRun.CONNECT_TIMEOUT), v.get(BmiRun.TIMEOUT), v.get(BmiRun.PATH), watchdog));
        }
    }

    @Override
    protected Result probe() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<Endpoint, RspamdClient> c : clients.entrySet()) {
            String name = "Rspamd at " + c.getKey();
            try {
                c.getValue().check(Map.of(), PROBE);
                outcomes.add(Outcome.ok(name));
            } catch (IOException e) {
                outcomes.add(Outcome.failed(name, String.valueOf(e.getMessage())));
            }
        }
        return combine(outcomes);
    }
}
