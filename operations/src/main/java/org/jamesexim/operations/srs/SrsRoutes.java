package org.jamesexim.operations.srs;

import java.util.List;

import javax.inject.Inject;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.PackFiles;
import org.jamesexim.mailets.SrsForward;
import org.jamesexim.mailets.SrsReverse;
import org.jamesexim.mailets.SrsSettings;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.operations.RouteSupport;
import org.jamesexim.smtp.SrsRcptHook;
import org.jamesexim.srs.SrsForwardResult;
import org.jamesexim.srs.SrsReport;
import org.jamesexim.srs.SrsReverseResult;
import org.jamesexim.srs.SrsStatus;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin's hand on SRS, with the secrets and settings of the configured SRS classes (nothing secret is taken
 * from or given in a request): reverse an address, as a bounce to it would be, or see what a sender would be
 * rewritten to. The answers are {@code srs-reverse --json} / {@code srs-forward --json}'s ({@link SrsReport}).
 * {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=org.jamesexim.operations.srs.SrsRoutes
 * </pre>
 * <ul>
 *   <li>{@code GET /srs/reverse?address=SRS0=...@example.test}: {@code srs_status} (valid, expired, bad hash, not SRS,
 *       defer), {@code srs_recipient} when valid, the {@code reason} when refused; with the settings of
 *       {@code SrsReverse} (or, without it, {@code SrsRcptHook}, then {@code SrsForward});</li>
 *   <li>{@code GET /srs/forward?sender=alice@remote.test&alias=example.test}: {@code outcome} and {@code address};
 *       with the settings of {@code SrsForward}; {@code alias} defaults to the mailet's own {@code alias}.</li>
 * </ul>
 * In database mode both may use the SRS database as the classes do, over one connection of the routes' own with the
 * configured timeouts (a forward stores its row, as SrsForward would; rows are expired by the classes, not here).
 * 404 while SRS is not configured; behind WebAdmin's authentication like James's own routes.
 */
public class SrsRoutes implements Routes {
    public static final String BASE_PATH = "/srs";

    private final PackConfiguration configuration;
    private final FileSystem fileSystem;
    private final JsonTransformer json;
    private final Supplier<SrsSettings> reverseSettings = Suppliers.memoize(this::reverseSettingsRead);
    private final Supplier<SrsSettings> forwardSettings = Suppliers.memoize(this::forwardSettingsRead);

    @Inject
    public SrsRoutes(PackConfiguration configuration, FileSystem fileSystem, JsonTransformer json) {
        this.configuration = configuration;
        this.fileSystem = fileSystem;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/reverse", this::reverse, json);
        service.get(BASE_PATH + "/forward", this::forward, json);
    }

    private Object reverse(Request request, Response response) {
        String address = RouteSupport.required(request, "address");
        SrsSettings s = reverseSettings.get();
        SrsReverseResult r = s.engine().reverse(address, s.deadline());
        if (r.status() == SrsStatus.NOT_SRS && s.exim() != null) {
            r = s.exim().inbound(address);
        }
        return SrsReport.reverse(r);
    }

    private Object forward(Request request, Response response) {
        String sender = RouteSupport.required(request, "sender");
        SrsSettings s = forwardSettings.get();
        String alias = RouteSupport.parameter(request, "alias", null);
        if (alias == null) {
            alias = s.values().get(SrsForward.ALIAS);
        }
        if (alias == null || alias.startsWith("$")) {
            throw RouteSupport.badRequest("alias: name the domain the forwarded mail leaves from (?alias=example.test)");
        }
        SrsForwardResult r = s.engine().forward(sender, alias, s.deadline());
        return SrsReport.forward(r);
    }

    private SrsSettings reverseSettingsRead() {
        return settings("SrsReverse, org.jamesexim.smtp.SrsRcptHook or SrsForward",
            new Candidate(configuration.mailets(SrsReverse.class.getName()), SrsReverse.PARAMETERS),
            new Candidate(configuration.smtpHandlers(SrsRcptHook.class.getName()), SrsRcptHook.PARAMETERS),
            new Candidate(configuration.mailets(SrsForward.class.getName()), SrsForward.PARAMETERS));
    }

    private SrsSettings forwardSettingsRead() {
        return settings("SrsForward", new Candidate(configuration.mailets(SrsForward.class.getName()), SrsForward.PARAMETERS));
    }

    /** Configured elements of one class, and that class's parameters. */
    private static final class Candidate {
        final List<PackConfiguration.Element> elements;
        final ParamSet parameters;

        Candidate(List<PackConfiguration.Element> elements, ParamSet parameters) {
            this.elements = elements;
            this.parameters = parameters;
        }
    }

    /** The settings of the first configured element of the first candidate that has one. */
    private SrsSettings settings(String classes, Candidate... candidates) {
        for (Candidate c : candidates) {
            if (!c.elements.isEmpty()) {
                PackConfiguration.Element e = c.elements.get(0);
                try {
                    return SrsSettings.read(SrsOwnCopy.of(e.parameters()), c.parameters, f -> PackFiles.resolve(fileSystem, f));
                } catch (IllegalArgumentException ex) {
                    throw RouteSupport.conflict(e.where() + ": " + ex.getMessage());
                }
            }
        }
        throw RouteSupport.notFound("SRS is not configured: no " + classes + " (org.jamesexim.mailets) in mailetcontainer.xml or smtpserver.xml");
    }
}
