package org.jamesexim.smtp;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.james.JamesInternals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;

import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.QuitHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Exim's {@code log_selector = +protocol_detail}: when a client under TLS sends QUIT and then resets the TCP
 * connection before reading the reply and closing TLS (as Outlook does), one INFO line is logged instead of James
 * 3.8.1's ERROR "Unable to process request" with a stack trace:
 *
 * <pre>[192.0.2.7] after QUIT, client reset TCP before SMTP response and TLS close</pre>
 *
 * <p>on the logger {@value #LOGGER_NAME} (Exim's wording; the address is the client's). Every other error (a reset
 * without QUIT, on plain TCP, TLS failures...) reaches James's handler and is logged as before. Listing the handler
 * turns the feature on:</p>
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="org.jamesexim.smtp.ProtocolDetailHook"/>
 *   <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 *
 * <p>How: when QUIT is read on a TLS connection, this {@link QuitHook} puts a small Netty handler in front of
 * James's {@code coreHandler} (and lets James answer QUIT as usual). That handler sees the connection's exceptions
 * first: a "Connection reset" / "Broken pipe" IOException becomes the line above and closes the channel; anything
 * else goes on to James unchanged. Plain-TCP connections, and connections without QUIT, are never touched. James
 * 3.8.1 exposes a session's channel only in a private field of {@code NettyProtocolTransport}; if that cannot be
 * read, the hook logs one WARN and James behaves as without it. A ConnectHandler is not used: James 3.8.1's result
 * handlers fail on the null response such a handler would have to return.</p>
 */
public class ProtocolDetailHook implements QuitHook {
    /** Takes no parameters: one given is a mistake in smtpserver.xml and stops James. */
    public static final ParamSet PARAMETERS = ParamSet.of();

    @Override
    public void init(Configuration config) throws ConfigurationException {
        GlueParams.hook(PARAMETERS, config, ProtocolDetailHook.class, "ProtocolDetailHook: ");
    }

    /** The logger of the protocol_detail lines. */
    public static final String LOGGER_NAME = "org.jamesexim.smtp.ProtocolDetail";
    static final String HANDLER_NAME = "jexim-protocol-detail";

    private static final Logger DETAIL = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger LOGGER = LoggerFactory.getLogger(ProtocolDetailHook.class);

    private volatile boolean warned;

    @Override
    public HookResult doQuit(SMTPSession session) {
        if (session.isTLSStarted()) {
            Channel channel = channelOf(session);
            if (channel != null && channel.pipeline().get(HandlerConstants.CORE_HANDLER) != null
                && channel.pipeline().get(HANDLER_NAME) == null) {
                channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, HANDLER_NAME, new ResetAfterQuit(session));
            }
        }
        return HookResult.DECLINED;
    }

    private Channel channelOf(SMTPSession session) {
        ProtocolTransport transport = session instanceof org.apache.james.protocols.api.ProtocolSessionImpl
            ? ((org.apache.james.protocols.api.ProtocolSessionImpl) session).getProtocolTransport() : null;
        Channel channel = JamesInternals.channel(transport);
        if (channel != null) {
            return channel;
        }
        if (!warned) {
            warned = true;
            LOGGER.warn("protocol_detail is off: cannot reach the Netty channel of {} sessions in this James version",
                session.getClass().getName());
        }
        return null;
    }

    /** True for the connection reset (read) or broken pipe (write) of a peer that reset TCP, however wrapped. */
    static boolean isReset(Throwable cause) {
        // at most 32 causes: a chain that loops back (A caused by B caused by A) must not keep the event loop
        int depth = 0;
        for (Throwable t = cause; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null) {
                String m = t.getMessage().toLowerCase(Locale.ROOT);
                if (m.contains("connection reset") || m.contains("broken pipe")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Put in a TLS connection's pipeline when QUIT is read: swallows the reset that follows, logging one line. */
    static final class ResetAfterQuit extends ChannelInboundHandlerAdapter {
        private final SMTPSession session;
        private boolean logged;

        ResetAfterQuit(SMTPSession session) {
            this.session = session;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (isReset(cause)) {
                if (!logged) {
                    logged = true;
                    DETAIL.info("[{}] after QUIT, client reset TCP before SMTP response and TLS close", address(session));
                }
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
        }

        private static String address(SMTPSession session) {
            InetSocketAddress remote = session.getRemoteAddress();
            return remote == null ? "unknown" : remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
        }
    }
}
