package org.jamesexim.operations.bmi;

import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.jamesexim.bmi.BmiEngineException;
import org.jamesexim.bmi.BmiMessage;
import org.jamesexim.bmi.BmiOptin;
import org.jamesexim.bmi.BmiReport;
import org.jamesexim.bmi.RspamdEngine;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.BmiRun;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.RouteSupport;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code POST /bmi/scan?to=rcpt[=profile:...][&to=...][&from=...][&client_ip=...][&helo=...]} with a message as the
 * body: scanned by Rspamd as the first configured {@code org.jamesexim.mailets.BmiRun} scans ({@code endpoint},
 * timeouts, {@code path}, {@code actions}, {@code rule_ids}), one request per opt-in profile, answered as
 * {@code bmi-scan --json} prints it ({@link BmiReport}): per recipient its {@code outcome}, {@code bmi_deliver},
 * {@code bmi_alt_location}, Rspamd's {@code action} and {@code score}, the {@code rules} fired. A {@code to} value's
 * part after {@code =} is the recipient's opt-in profile, as in the BMI opt-in file. Rspamd down or slow: 502 with
 * the reason. {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=org.jamesexim.operations.bmi.BmiRoutes
 * </pre>
 * 404 while BMI is not configured; behind WebAdmin's authentication like James's own routes.
 */
public class BmiRoutes implements Routes {
    public static final String BASE_PATH = "/bmi";

    private final PackConfiguration configuration;
    private final JsonTransformer json;
    private final Supplier<RspamdEngine> engine = Suppliers.memoize(this::build);

    @Inject
    public BmiRoutes(PackConfiguration configuration, JsonTransformer json) {
        this.configuration = configuration;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.post(BASE_PATH + "/scan", this::scan, json);
    }

    private Object scan(Request request, Response response) {
        RspamdEngine e = engine.get();
        BmiMessage.Builder m = BmiMessage.builder().sender(RouteSupport.parameter(request, "from", ""))
            .clientIp(RouteSupport.parameter(request, "client_ip", "127.0.0.1")).clientHostname("localhost")
            .helo(RouteSupport.parameter(request, "helo", null)).queueId("webadmin-bmi-scan");
        String[] to = request.queryParamsValues("to");
        if (to == null || to.length == 0) {
            throw RouteSupport.badRequest("to is required (?to=rcpt@example.test or rcpt@example.test=profile, repeated for each recipient)");
        }
        try {
            for (String t : to) {
                int eq = t.indexOf('=');
                m.recipient(eq < 0 ? t : t.substring(0, eq), eq < 0 ? BmiOptin.none() : BmiOptin.parse(t.substring(eq + 1)));
            }
        } catch (IllegalArgumentException ex) {
            throw RouteSupport.badRequest("to: " + ex.getMessage());
        }
        BmiMessage msg = m.content(RouteSupport.message(request)).build();
        try {
            return BmiReport.scan(msg.recipients().keySet(), e.scan(msg));
        } catch (BmiEngineException ex) {
            throw ErrorResponder.builder().statusCode(HttpStatus.BAD_GATEWAY_502).type(ErrorResponder.ErrorType.SERVER_ERROR)
                .message("Rspamd at " + e.endpoint() + ": " + ex.getMessage()).haltError();
        }
    }

    private RspamdEngine build() {
        List<PackConfiguration.Element> found = configuration.mailets(BmiRun.class.getName());
        if (found.isEmpty()) {
            throw RouteSupport.notFound("BMI is not configured: no org.jamesexim.mailets.BmiRun in mailetcontainer.xml");
        }
        ParamValues v = GlueParams.read(BmiRun.PARAMETERS, found.get(0).parameters(), BmiRun.class, "BmiRun: ");
        Map<String, Integer> ruleIds = v.get(BmiRun.RULE_IDS);
        return RspamdEngine.builder(v.get(BmiRun.ENDPOINT)).connectTimeout(v.get(BmiRun.CONNECT_TIMEOUT)).timeout(v.get(BmiRun.TIMEOUT))
            .scanTimeout(v.get(BmiRun.SCAN_TIMEOUT)).path(v.get(BmiRun.PATH)).actions(v.get(BmiRun.ACTIONS))
            .ruleIds(ruleIds == null ? Map.of() : ruleIds).build();
    }
}
