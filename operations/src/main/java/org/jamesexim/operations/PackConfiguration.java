package org.jamesexim.operations;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.jamesexim.common.config.ParamSource;
import org.jamesexim.mailets.config.GlueParams;

/**
 * The pack's settings as the operator wrote them, read where James reads them: the {@code <handler>} elements of
 * {@code smtpserver.xml} and the {@code <mailet>} elements of {@code mailetcontainer.xml}, through James's own
 * {@link ConfigurationProvider}. A health check or a route reads a feature's parameters here and parses them with
 * the parameter declarations of the class that uses them ({@code DovecotAuthHook.PARAMETERS}, {@code BmiRun.PARAMETERS},
 * ...), so each setting has one place and one reading.
 */
public final class PackConfiguration {
    private final ConfigurationProvider provider;

    @Inject
    public PackConfiguration(ConfigurationProvider provider) {
        this.provider = provider;
    }

    /** One configured element: where it is (for messages) and its parameters. */
    public static final class Element {
        private final String where;
        private final ParamSource parameters;

        Element(String where, ParamSource parameters) {
            this.where = where;
            this.parameters = parameters;
        }

        /** {@code smtpserver.xml <handler class="...">} or {@code mailetcontainer.xml processor "transport" <mailet class="...">}. */
        public String where() {
            return where;
        }

        public ParamSource parameters() {
            return parameters;
        }
    }

    /** Every {@code <handler class="className">} of every {@code <smtpserver>} in {@code smtpserver.xml}, in order. */
    public List<Element> smtpHandlers(String className) {
        List<Element> found = new ArrayList<>();
        HierarchicalConfiguration<ImmutableNode> root = configuration("smtpserver");
        int server = 0;
        for (HierarchicalConfiguration<ImmutableNode> smtp : root.configurationsAt("smtpserver")) {
            server++;
            for (HierarchicalConfiguration<ImmutableNode> h : smtp.configurationsAt("handlerchain.handler")) {
                if (className.equals(h.getString("[@class]", "").trim())) {
                    found.add(new Element("smtpserver.xml (smtpserver " + server + ") <handler class=\"" + className + "\">",
                        GlueParams.source(h)));
                }
            }
        }
        return found;
    }

    /** Every {@code <mailet class="className">} of every processor in {@code mailetcontainer.xml}, in order. */
    public List<Element> mailets(String className) {
        List<Element> found = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> processor : configuration("mailetcontainer").configurationsAt("processors.processor")) {
            String state = processor.getString("[@state]", "?");
            for (HierarchicalConfiguration<ImmutableNode> m : processor.configurationsAt("mailet")) {
                if (className.equals(m.getString("[@class]", "").trim())) {
                    found.add(new Element("mailetcontainer.xml processor \"" + state + "\" <mailet class=\"" + className + "\">",
                        mailetParameters(m)));
                }
            }
        }
        return found;
    }

    /** True when a {@code match="className"} or {@code match="className=..."} names this matcher anywhere. */
    public boolean matcherUsed(String className) {
        for (HierarchicalConfiguration<ImmutableNode> processor : configuration("mailetcontainer").configurationsAt("processors.processor")) {
            for (HierarchicalConfiguration<ImmutableNode> m : processor.configurationsAt("mailet")) {
                String match = m.getString("[@match]", "").trim();
                if (match.equals(className) || match.startsWith(className + "=")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A mailet's init parameters as James gives them: its child elements, without James's own. */
    private static ParamSource mailetParameters(HierarchicalConfiguration<ImmutableNode> mailet) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = mailet.getKeys(); it.hasNext(); ) {
            String n = it.next();
            if (!n.startsWith("[@") && !GlueParams.JAMES_MAILET_PARAMETERS.contains(n)) {
                names.add(n);
            }
        }
        return GlueParams.source(names, n -> mailet.getString(n, null));
    }

    private HierarchicalConfiguration<ImmutableNode> configuration(String component) {
        try {
            return provider.getConfiguration(component);
        } catch (ConfigurationException e) {
            throw new IllegalStateException("cannot read " + component + ".xml: " + e.getMessage(), e);
        }
    }
}
