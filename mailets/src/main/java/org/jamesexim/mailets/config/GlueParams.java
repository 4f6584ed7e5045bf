package org.jamesexim.mailets.config;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.mailet.MailetConfig;
import org.jamesexim.common.LogText;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.ParamSource;
import org.jamesexim.common.config.ParamValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads James configuration through declared parameters. James reads a few names itself from every mailet
 * ({@code onMailetException}, {@code onMatchException}) and gives a handler its XML attributes ({@code [@class]});
 * those are not the class's to declare and are passed over.
 */
public final class GlueParams {
    /** What James reads from every mailet's configuration itself. */
    public static final Set<String> JAMES_MAILET_PARAMETERS = Set.of("onMailetException", "onMatchException");

    /**
     * {@code skip}, one name for every SMTP hook that costs per message (ArcVerifyHook, DccHook): which clients it
     * leaves alone. {@code authenticated} (default): sessions that did SMTP AUTH, i.e. submission; {@code relaying}:
     * those and every client James lets relay ({@code isRelayingAllowed()}: {@code authorizedAddresses});
     * {@code none}: every message is checked. See docs/arc.md and docs/dcc.md for why authenticated is the default.
     */
    public static final Param<String> SKIP = Param.choice("skip", "authenticated", "none", "authenticated", "relaying")
        .doc("none | authenticated (SMTP AUTH, default) | relaying (AUTH and authorizedAddresses)");

    private GlueParams() {
    }

    /** A mailet's init parameters, without James's own. */
    public static ParamSource source(MailetConfig config) {
        return source(config, null);
    }

    /**
     * A mailet's init parameters, without James's own nor those starting with {@code passedOnPrefix} (a family of
     * names the class hands on unread, such as RemoteDelivery's {@code mail.*} javax.mail properties).
     */
    public static ParamSource source(MailetConfig config, String passedOnPrefix) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = config.getInitParameterNames(); it.hasNext(); ) {
            String n = it.next();
            if (!JAMES_MAILET_PARAMETERS.contains(n) && (passedOnPrefix == null || !n.startsWith(passedOnPrefix))) {
                names.add(n);
            }
        }
        return source(names, config::getInitParameter);
    }

    /** An SMTP handler's configuration: its child elements, without its XML attributes. */
    public static ParamSource source(Configuration config) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = config.getKeys(); it.hasNext(); ) {
            String n = it.next();
            if (!n.startsWith("[@")) {
                names.add(n);
            }
        }
        return source(names, n -> config.getString(n, null));
    }

    /** The parameters {@code names}, each read by {@code get}. */
    public static ParamSource source(Set<String> names, java.util.function.Function<String, String> get) {
        return new ParamSource() {
            @Override
            public Set<String> names() {
                return names;
            }

            @Override
            public String get(String name) {
                return names.contains(name) ? get.apply(name) : null;
            }
        };
    }

    /**
     * Reads {@code source} through {@code params}, logging each deprecated name used (WARN, on {@code owner}'s logger).
     *
     * @param prefix put before the message of a refusal ({@code "ArcSeal: "}, or {@code ""})
     * @throws ParamException naming the parameter (never a secret's value)
     */
    public static ParamValues read(ParamSet params, ParamSource source, Class<?> owner, String prefix) {
        ParamValues values;
        try {
            values = params.read(source);
        } catch (ParamException e) {
            throw new ParamException(e.parameter(), prefix + e.getMessage());
        }
        Logger log = LoggerFactory.getLogger(owner);
        for (String w : values.warnings()) {
            log.warn("{}{}", prefix, w);
        }
        return values;
    }

    /** A mailet's parameters; a refusal is the MessagingException James stops on. */
    public static ParamValues mailet(ParamSet params, MailetConfig config, Class<?> owner, String prefix) throws MessagingException {
        try {
            return read(params, source(config), owner, prefix);
        } catch (ParamException e) {
            throw new MessagingException(e.getMessage());
        }
    }

    /** An SMTP hook's parameters; a refusal is the ConfigurationException James stops on. */
    public static ParamValues hook(ParamSet params, Configuration config, Class<?> owner, String prefix) throws ConfigurationException {
        try {
            return read(params, source(config), owner, prefix);
        } catch (ParamException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /**
     * A matcher's condition read as one declared parameter ({@code Matcher=condition}); a refusal is the
     * MessagingException James stops on.
     */
    public static <T> T condition(Param<T> condition, String text, String prefix) throws MessagingException {
        try {
            return condition.parse(text);
        } catch (ParamException e) {
            throw new MessagingException(prefix + e.getMessage());
        }
    }

    /** A matcher that takes no condition refuses one (a condition there is a mistake in mailetcontainer.xml). */
    public static void noCondition(String matcher, String text) throws MessagingException {
        if (text != null && !text.trim().isEmpty()) {
            throw new MessagingException(matcher + " takes no condition, not " + LogText.quote(text.trim()));
        }
    }
}
