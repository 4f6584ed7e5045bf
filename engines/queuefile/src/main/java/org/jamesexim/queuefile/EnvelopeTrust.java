package org.jamesexim.queuefile;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * What the requeuer believes of an envelope read from a file ({@link RequeueSettings#trustEnvelope()}).
 *
 * <p>{@link #untrusted}: what any SMTP client could have sent and nothing else: sender, recipients with their DSN
 * parameters, DSN ENVID/RET, the HELO name, the time received and the per-recipient headers (content, like the bytes).
 * Dropped: the remote address, host and port (matchers such as {@code RemoteAddrInNetwork} relay on them), the AUTH
 * user (James's {@code SMTPAuthSuccessful}), every mail attribute ({@code org.apache.james.SMTPIsAuthNetwork},
 * {@code SMTPAuthUser}, {@code SentByMailet}, {@code jexim.*} results, Exim ACL variables), the error message and the
 * processor the file names.</p>
 *
 * <p>{@link #trusted}: everything, except a remote address that is not an IP literal (dropped: it would be used as
 * one). The processor a file names is never used in either case; the requeuer's configuration chooses it.
 * Stateless.</p>
 */
public final class EnvelopeTrust {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private EnvelopeTrust() {
    }

    public static SpoolEnvelope untrusted(SpoolEnvelope e) {
        SpoolEnvelope.Builder b = SpoolEnvelope.builder()
                .name(e.name())
                .sender(e.sender())
                .recipients(e.recipients())
                .heloName(e.heloName())
                .receivedTime(e.receivedTime())
                .dsnEnvid(e.dsnEnvid())
                .dsnRet(e.dsnRet());
        e.perRecipientHeaders().forEach((r, hs) -> hs.forEach(h -> b.addPerRecipientHeader(r, h)));
        return b.build();
    }

    public static SpoolEnvelope trusted(SpoolEnvelope e) {
        if (e.remoteAddr() == null || isIpLiteral(e.remoteAddr())) {
            return e;
        }
        return e.toBuilder().remoteAddr(null).remoteHost(null).remotePort(0).build();
    }

    /** The envelope as {@code settings} says to believe it. */
    public static SpoolEnvelope apply(SpoolEnvelope e, RequeueSettings settings) {
        return settings.trustEnvelope() ? trusted(e) : untrusted(e);
    }

    /** An IPv4 dotted quad or an IPv6 literal (no zone, no brackets); never a DNS lookup. */
    public static boolean isIpLiteral(String s) {
        if (s == null) {
            return false;
        }
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // bracketed, so InetAddress parses it as an IPv6 literal and never asks DNS
            InetAddress.getByName("[" + s + "]");
            return true;
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
