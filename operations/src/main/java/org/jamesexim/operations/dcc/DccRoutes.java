package org.jamesexim.operations.dcc;

import java.util.List;

import javax.inject.Inject;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.dcc.DccClient;
import org.jamesexim.dcc.DccDecision;
import org.jamesexim.dcc.DccReport;
import org.jamesexim.dcc.DccRequest;
import org.jamesexim.dcc.DccResult;
import org.jamesexim.mailets.DccService;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.RouteSupport;
import org.jamesexim.smtp.DccHook;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code POST /dcc/check?from=...&to=...[&to=...][&client_ip=...][&helo=...]} with a message as the body: dccifd
 * asked about it as the configured DCC asks (the settings of {@code conf/dcc.properties}; {@code defer_ok} and
 * {@code mode} of the first {@code org.jamesexim.smtp.DccHook}), answered as {@code dcc-check --json} prints it
 * ({@link DccReport}): {@code dcc_result}, {@code recipients}, {@code dcc_header}, {@code detail}, {@code outcome},
 * {@code actions}. The check is sent with dccifd's {@code query} option added, so it is not counted as mail seen.
 * {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=org.jamesexim.operations.dcc.DccRoutes
 * </pre>
 * 404 while DCC is not configured; behind WebAdmin's authentication like James's own routes.
 */
public class DccRoutes implements Routes {
    public static final String BASE_PATH = "/dcc";

    private final PackConfiguration configuration;
    private final DccService dcc;
    private final JsonTransformer json;
    private final Supplier<Setup> setup = Suppliers.memoize(this::build);

    private static final class Setup {
        final DccClient client;
        final DccDecision.Mode mode;
        final boolean deferOk;

        Setup(DccClient client, DccDecision.Mode mode, boolean deferOk) {
            this.client = client;
            this.mode = mode;
            this.deferOk = deferOk;
        }
    }

    @Inject
    public DccRoutes(PackConfiguration configuration, DccService dcc, JsonTransformer json) {
        this.configuration = configuration;
        this.dcc = dcc;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.post(BASE_PATH + "/check", this::check, json);
    }

    private Object check(Request request, Response response) {
        Setup s = setup.get();
        DccRequest.Builder b = DccRequest.builder().helo(RouteSupport.parameter(request, "helo", ""))
            .sender(RouteSupport.parameter(request, "from", null));
        try {
            b.clientIp(RouteSupport.parameter(request, "client_ip", DccRequest.LOCAL_CLIENT_IP));
            String[] to = request.queryParamsValues("to");
            if (to == null || to.length == 0) {
                throw RouteSupport.badRequest("to is required (?to=rcpt@example.test, repeated for each recipient)");
            }
            for (String r : to) {
                b.recipient(r);
            }
        } catch (IllegalArgumentException e) {
            throw RouteSupport.badRequest(e.getMessage());
        }
        byte[] message = RouteSupport.message(request);
        DccRequest r = b.build();
        DccResult result = s.client.check(r, out -> out.write(message));
        return DccReport.check(result, r.recipients().size(), s.mode, s.deferOk);
    }

    private Setup build() {
        List<PackConfiguration.Element> hooks = configuration.smtpHandlers(DccHook.class.getName());
        if (hooks.isEmpty() && !configuration.matcherUsed("org.jamesexim.matchers.Dcc")) {
            throw RouteSupport.notFound("DCC is not configured: no org.jamesexim.smtp.DccHook in smtpserver.xml"
                + " nor org.jamesexim.matchers.Dcc in mailetcontainer.xml");
        }
        DccDecision.Mode mode = DccDecision.Mode.PER_RECIPIENT;
        boolean deferOk = false;
        if (!hooks.isEmpty()) {
            ParamValues v = GlueParams.read(DccHook.PARAMETERS, hooks.get(0).parameters(), DccHook.class, "DccHook: ");
            mode = DccDecision.Mode.parse(v.get(DccHook.MODE));
            deferOk = v.get(DccHook.DEFER_OK);
        }
        return new Setup(new DccClient(DccQuery.of(dcc.settings())), mode, deferOk);
    }
}
