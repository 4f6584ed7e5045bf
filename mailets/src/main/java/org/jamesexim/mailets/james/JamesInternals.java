package org.jamesexim.mailets.james;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.apache.james.transport.mailets.RemoteDelivery;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRunnable;
import org.apache.james.transport.mailets.remote.delivery.MailDelivrer;
import org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration;

import com.sun.mail.smtp.SMTPTransport;
import com.sun.mail.util.LineInputStream;

import io.netty.channel.Channel;

/**
 * The private fields of James 3.8.1 (and of the javax.mail 1.6.2 it ships) the pack needs, each named once:
 * <ul>
 * <li>{@code RemoteDelivery.deliveryRunnable}, {@code RemoteDelivery.configuration} and
 * {@code DeliveryRunnable.mailDelivrer}: {@code DsnInfoRemoteDelivery} puts its own per-host step in place of
 * James's before the delivery threads start;</li>
 * <li>{@code NettyProtocolTransport.channel}: {@code ProtocolDetailHook} adds a handler to a TLS session's channel;</li>
 * <li>javax.mail's {@code SMTPTransport.serverInput}, {@code lineInputStream} and {@code serverSocket}:
 * {@code DsnInfoSmtpTransport} reads replies through its bounded reader and hands the delivery attempt the socket.</li>
 * </ul>
 * Each is looked up once, when this class is loaded; {@link #missing()} names those this James does not have.
 */
public final class JamesInternals {
    private static final Field DELIVERY_RUNNABLE = field(RemoteDelivery.class, "deliveryRunnable", DeliveryRunnable.class);
    private static final Field CONFIGURATION = field(RemoteDelivery.class, "configuration", RemoteDeliveryConfiguration.class);
    private static final Field MAIL_DELIVRER = field(DeliveryRunnable.class, "mailDelivrer", MailDelivrer.class);
    private static final Field CHANNEL = field(NettyProtocolTransport.class, "channel", Channel.class);
    private static final Field SERVER_INPUT = field(SMTPTransport.class, "serverInput", InputStream.class);
    private static final Field LINE_INPUT = field(SMTPTransport.class, "lineInputStream", LineInputStream.class);
    private static final Field SERVER_SOCKET = field(SMTPTransport.class, "serverSocket", Socket.class);

    private JamesInternals() {
    }

    private static Field field(Class<?> owner, String name, Class<?> type) {
        try {
            Field f = owner.getDeclaredField(name);
            if (!type.isAssignableFrom(f.getType())) {
                return null;
            }
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The fields this James does not have (as {@code Class.field}); empty on James 3.8.1. */
    public static List<String> missing() {
        Map<String, Field> all = new LinkedHashMap<>();
        all.put("RemoteDelivery.deliveryRunnable", DELIVERY_RUNNABLE);
        all.put("RemoteDelivery.configuration", CONFIGURATION);
        all.put("DeliveryRunnable.mailDelivrer", MAIL_DELIVRER);
        all.put("NettyProtocolTransport.channel", CHANNEL);
        all.put("SMTPTransport.serverInput", SERVER_INPUT);
        all.put("SMTPTransport.lineInputStream", LINE_INPUT);
        all.put("SMTPTransport.serverSocket", SERVER_SOCKET);
        List<String> out = new ArrayList<>();
        all.forEach((name, field) -> {
            if (field == null) {
                out.add(name);
            }
        });
        return out;
    }

    /** What cannot be done on this James (for an error message). */
    public static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Object get(Field f, String what, Object target) throws Unsupported {
        if (f == null) {
            throw new Unsupported("this James has no " + what + " (the pack supports James 3.8.1)", null);
        }
        try {
            return f.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Unsupported("cannot read " + what + ": " + e, e);
        }
    }

    private static void set(Field f, String what, Object target, Object value) throws Unsupported {
        if (f == null) {
            throw new Unsupported("this James has no " + what + " (the pack supports James 3.8.1)", null);
        }
        try {
            f.set(target, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Unsupported("cannot set " + what + ": " + e, e);
        }
    }

    /** {@code RemoteDelivery.deliveryRunnable}. */
    public static DeliveryRunnable deliveryRunnable(RemoteDelivery mailet) throws Unsupported {
        return (DeliveryRunnable) get(DELIVERY_RUNNABLE, "RemoteDelivery.deliveryRunnable", mailet);
    }

    /** {@code RemoteDelivery.configuration}. */
    public static RemoteDeliveryConfiguration configuration(RemoteDelivery mailet) throws Unsupported {
        return (RemoteDeliveryConfiguration) get(CONFIGURATION, "RemoteDelivery.configuration", mailet);
    }

    /** Puts {@code delivrer} in place of the runnable's own {@code mailDelivrer} (before the runnable starts). */
    public static void replaceMailDelivrer(DeliveryRunnable runnable, MailDelivrer delivrer) throws Unsupported {
        set(MAIL_DELIVRER, "DeliveryRunnable.mailDelivrer", runnable, delivrer);
    }

    /** True when javax.mail's SMTPTransport has the three fields {@link #serverInput} and the others reach. */
    public static boolean smtpTransportStreams() {
        return SERVER_INPUT != null && LINE_INPUT != null && SERVER_SOCKET != null;
    }

    /** {@code SMTPTransport.serverInput}: the stream replies come from (null before connect). */
    public static InputStream serverInput(SMTPTransport transport) throws Unsupported {
        return (InputStream) get(SERVER_INPUT, "SMTPTransport.serverInput", transport);
    }

    /** Puts {@code in} in place of {@code SMTPTransport.lineInputStream}, the reader javax.mail reads replies from. */
    public static void replaceLineInputStream(SMTPTransport transport, LineInputStream in) throws Unsupported {
        set(LINE_INPUT, "SMTPTransport.lineInputStream", transport, in);
    }

    /** {@code SMTPTransport.serverSocket} (null before connect). */
    public static Socket serverSocket(SMTPTransport transport) throws Unsupported {
        return (Socket) get(SERVER_SOCKET, "SMTPTransport.serverSocket", transport);
    }

    /** The Netty channel of a session's transport, or {@code null} when it is not Netty's or cannot be read. */
    public static Channel channel(ProtocolTransport transport) {
        if (CHANNEL == null || !(transport instanceof NettyProtocolTransport)) {
            return null;
        }
        try {
            return (Channel) CHANNEL.get(transport);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
