package org.jamesexim.operations.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.jamesexim.arc.TxtResolver;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.ArcSeal;
import org.jamesexim.mailets.ArcSettings;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;

/**
 * Whether each {@code org.jamesexim.mailets.ArcSeal} in {@code mailetcontainer.xml} can seal and be verified: every
 * key it names ({@code key}, {@code selectors}, {@code perDomain}) read again from its file and checked as ArcSeal
 * checks it at start ({@link ArcSeal#selectors}), and the key record at {@code <selector>._domainkey.<domain>}
 * looked up with the mailet's own DNS settings ({@code dns}, {@code dnsTimeout}) and compared with the key's public
 * half ({@code p=}).
 * <ul>
 *   <li>unhealthy: a key cannot be read or is refused, or the record of a key that seals is missing or does not
 *       match (receivers then fail our seals);</li>
 *   <li>degraded: DNS did not answer (the record could not be checked), or the record of a selector kept for a
 *       rotation window is missing or does not match;</li>
 *   <li>healthy: every key read and every record published as the key says.</li>
 * </ul>
 * An inline PEM key is checked once, at start (reading it again would log its warning at every check).
 *
 * <p>{@code conf/healthcheck.properties}, beside {@code james-config/examples/arc-mailetcontainer.xml}:</p>
 * <pre>
 * additional.healthchecks=org.jamesexim.operations.health.ArcSigningKeyHealthCheck
 * </pre>
 * Component name {@value #NAME}. The cause names the DNS name and what is wrong, never the key.
 */
public class ArcSigningKeyHealthCheck extends PackHealthCheck {
    public static final String NAME = "ARC signing key";

    private final List<Sealer> sealers = new ArrayList<>();
    private final FileSystem fileSystem;

    private static final class Sealer {
        final String where;
        final ParamValues values;
        final TxtResolver dns;
        final List<ArcSeal.Selector> inline;

        Sealer(String where, ParamValues values, TxtResolver dns, List<ArcSeal.Selector> inline) {
            this.where = where;
            this.values = values;
            this.dns = dns;
            this.inline = inline;
        }
    }

    @Inject
    public ArcSigningKeyHealthCheck(PackConfiguration configuration, DNSService dnsService, FileSystem fileSystem) {
        super(NAME);
        this.fileSystem = fileSystem;
        for (PackConfiguration.Element e : required(configuration.mailets(ArcSeal.class.getName()), ArcSigningKeyHealthCheck.class,
                "org.jamesexim.mailets.ArcSeal (mailetcontainer.xml)")) {
            ParamValues v = GlueParams.read(ArcSeal.PARAMETERS, e.parameters(), ArcSeal.class, "ArcSeal: ");
            boolean inline = isInline(v.get(ArcSeal.KEY)) || isInline(v.get(ArcSeal.SELECTORS)) || isInline(v.get(ArcSeal.PER_DOMAIN));
            sealers.add(new Sealer(e.where(), v, ArcSettings.resolver(v, dnsService), inline ? ArcSeal.selectors(v, fileSystem) : null));
        }
    }

    private static boolean isInline(String spec) {
        return spec != null && spec.contains("-----");
    }

    @Override
    protected Result probe() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Sealer s : sealers) {
            List<ArcSeal.Selector> selectors;
            try {
                selectors = s.inline != null ? s.inline : ArcSeal.selectors(s.values, fileSystem);
            } catch (IllegalArgumentException e) {
                outcomes.add(Outcome.failed(s.where, "ArcSeal: " + e.getMessage()));
                continue;
            }
            for (ArcSeal.Selector sel : selectors) {
                outcomes.add(record(s.dns, sel));
            }
        }
        return combine(outcomes);
    }

    private static Outcome record(TxtResolver dns, ArcSeal.Selector sel) {
        String name = sel.dnsName();
        String expected = publicKey(sel.dnsRecord());
        List<String> records;
        try {
            records = dns.lookupTxt(name);
        } catch (TxtResolver.TxtLookupException e) {
            return Outcome.degraded(name, "DNS did not answer, the key record is not checked: " + e.getMessage());
        }
        String what = sel.seals() ? "the sealing key's" : "a kept selector's";
        if (records.isEmpty()) {
            String why = what + " key record is not published";
            return sel.seals() ? Outcome.failed(name, why) : Outcome.degraded(name, why);
        }
        for (String r : records) {
            if (expected.equals(publicKey(r))) {
                return Outcome.ok(name);
            }
        }
        String why = what + " key record does not match the key (publish " + sel.dnsRecord() + ")";
        return sel.seals() ? Outcome.failed(name, why) : Outcome.degraded(name, why);
    }

    /** The {@code p=} of a key record, without the blanks a TXT record may fold it with ("" when it has none). */
    static String publicKey(String record) {
        for (String tag : record.split(";")) {
            String t = tag.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("p=")) {
                return t.substring(2).replaceAll("\\s", "");
            }
        }
        return "";
    }
}
