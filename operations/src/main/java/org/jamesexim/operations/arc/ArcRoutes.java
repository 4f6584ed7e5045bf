package org.jamesexim.operations.arc;

import java.util.List;

import javax.inject.Inject;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.jamesexim.arc.ArcReport;
import org.jamesexim.arc.ArcVerifier;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.mailets.ArcVerify;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.RouteSupport;
import org.jamesexim.smtp.ArcVerifyHook;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code POST /arc/verify} with a message as the body: its ARC chain verified as the configured
 * {@code org.jamesexim.smtp.ArcVerifyHook} (or, without it, the {@code ArcVerify} mailet) would, with the same DNS
 * settings ({@code dns}, {@code dnsTimeout}, {@code dnsDeadline}), answered as {@code arc-verify} prints it
 * ({@link ArcReport}): {@code {"state":"pass","reason":"","domains":["example.test"],"oldest_pass":1}}.
 * {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=org.jamesexim.operations.arc.ArcRoutes
 * </pre>
 * 404 while ARC verification is not configured; at most {@value RouteSupport#MAX_MESSAGE} bytes; behind WebAdmin's
 * authentication like James's own routes.
 */
public class ArcRoutes implements Routes {
    public static final String BASE_PATH = "/arc";

    private final PackConfiguration configuration;
    private final DNSService dns;
    private final JsonTransformer json;
    private final Supplier<ArcVerifier> verifier = Suppliers.memoize(this::build);

    @Inject
    public ArcRoutes(PackConfiguration configuration, DNSService dns, JsonTransformer json) {
        this.configuration = configuration;
        this.dns = dns;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.post(BASE_PATH + "/verify", this::verify, json);
    }

    private Object verify(Request request, Response response) {
        byte[] message = RouteSupport.message(request);
        return ArcReport.verification(verifier.get().verify(message));
    }

    private ArcVerifier build() {
        List<PackConfiguration.Element> found = configuration.smtpHandlers(ArcVerifyHook.class.getName());
        ParamSet params = ArcVerifyHook.PARAMETERS;
        Class<?> owner = ArcVerifyHook.class;
        if (found.isEmpty()) {
            found = configuration.mailets(ArcVerify.class.getName());
            params = ArcVerify.PARAMETERS;
            owner = ArcVerify.class;
        }
        if (found.isEmpty()) {
            throw RouteSupport.notFound("ARC verification is not configured: no org.jamesexim.smtp.ArcVerifyHook in smtpserver.xml"
                + " nor org.jamesexim.mailets.ArcVerify in mailetcontainer.xml");
        }
        PackConfiguration.Element e = found.get(0);
        try {
            return ArcSettings.verifier(GlueParams.read(params, e.parameters(), owner, ""), dns);
        } catch (IllegalArgumentException ex) {
            throw RouteSupport.conflict(e.where() + ": " + ex.getMessage());
        }
    }
}
