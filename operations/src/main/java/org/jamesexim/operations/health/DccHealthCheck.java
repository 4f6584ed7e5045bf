package org.jamesexim.operations.health;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.Result;
import org.jamesexim.dcc.DccClient;
import org.jamesexim.dcc.DccRequest;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.mailets.DccService;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.dcc.DccQuery;

/**
 * Whether dccifd answers, at the {@code dccifd_address} of {@code conf/dcc.properties} (the settings
 * {@code org.jamesexim.smtp.DccHook} and the {@code org.jamesexim.matchers.Dcc} matcher use, read by
 * {@link DccService}): a small message sent with the configured {@code dccifd_options} plus {@code query} (so
 * it is not counted as a mail seen), within {@code dccifd_timeout}. Unhealthy when dccifd gives no answer or
 * answers {@code T} (temporary failure); a verdict of any kind is healthy.
 *
 * <p>{@code conf/healthcheck.properties}, with {@code DccHook} in {@code smtpserver.xml} or the {@code Dcc}
 * matcher in {@code mailetcontainer.xml} (as in {@code james-config/examples/dcc-smtpserver.xml}):</p>
 * <pre>
 * additional.healthchecks=org.jamesexim.operations.health.DccHealthCheck
 * </pre>
 * Component name {@value #NAME}.
 */
public class DccHealthCheck extends PackHealthCheck {
    public static final String NAME = "DCC dccifd";
    static final byte[] PROBE = ("From: healthcheck@localhost\r\nSubject: James Exim Pack health check\r\n\r\nping\r\n")
        .getBytes(StandardCharsets.US_ASCII);

    private final DccClient client;

    @Inject
    public DccHealthCheck(PackConfiguration configuration, DccService dcc) {
        super(NAME);
        if (configuration.smtpHandlers("org.jamesexim.smtp.DccHook").isEmpty() && !configuration.matcherUsed("org.jamesexim.matchers.Dcc")) {
            required(List.of(), DccHealthCheck.class, "DCC (org.jamesexim.smtp.DccHook in smtpserver.xml or the org.jamesexim.matchers.Dcc matcher)");
        }
        this.client = new DccClient(DccQuery.of(dcc.settings()));
    }

    @Override
    protected Result probe() {
        DccResult r = client.check(DccRequest.builder().clientIp(DccRequest.LOCAL_CLIENT_IP).helo("localhost")
            .sender("healthcheck@localhost").recipient("healthcheck@localhost").build(), out -> out.write(PROBE));
        String name = "dccifd at " + client.settings().address();
        if (!r.answered()) {
            return combine(List.of(Outcome.failed(name, "no answer: " + r.detail())));
        }
        if (r.reply() == 'T') {
            return combine(List.of(Outcome.failed(name, "answered T (temporary failure)")));
        }
        return combine(List.of(Outcome.ok(name)));
    }
}
