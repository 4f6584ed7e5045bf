package org.jamesexim.dovecot;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SASL exchange to run against Dovecot: the mechanism, the initial response, what to answer to challenges
 * ({@code CONT}), and the connection facts Dovecot uses for logging and its per-IP penalty
 * ({@code lip rip lport rport secured valid-client-cert}). Immutable; {@link #toString()} never shows the data.
 *
 * <p>Build one with {@link #plain(String, String)} / {@link #login(String, String)} and the {@code with*} methods.</p>
 */
public final class AuthRequest {
    private static final Pattern MECHANISM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String mechanism;
    private final byte[] initialResponse;
    private final ChallengeResponder responder;
    private final String lip;
    private final String rip;
    private final int lport;
    private final int rport;
    private final boolean secured;
    private final boolean validClientCert;
    private final boolean noPenalty;
    private final String session;

    private AuthRequest(String mechanism, byte[] initialResponse, ChallengeResponder responder, String lip, String rip,
                        int lport, int rport, boolean secured, boolean validClientCert, boolean noPenalty, String session) {
        this.mechanism = mechanism;
        this.initialResponse = initialResponse;
        this.responder = responder;
        this.lip = lip;
        this.rip = rip;
        this.lport = lport;
        this.rport = rport;
        this.secured = secured;
        this.validClientCert = validClientCert;
        this.noPenalty = noPenalty;
        this.session = session;
    }

    /**
     * A request for any mechanism.
     *
     * @param mechanism       SASL mechanism name, letters, digits, {@code -} and {@code _}
     * @param initialResponse the client's first message (not base64), or {@code null} when it sends none
     * @param responder       answers Dovecot's challenges; must not block
     */
    public static AuthRequest of(String mechanism, byte[] initialResponse, ChallengeResponder responder) {
        if (mechanism == null || !MECHANISM.matcher(mechanism).matches()) {
            throw new IllegalArgumentException("bad SASL mechanism name '" + mechanism + "'");
        }
        return new AuthRequest(mechanism.toUpperCase(Locale.ROOT), initialResponse == null ? null : initialResponse.clone(),
            Objects.requireNonNull(responder, "responder"), null, null, 0, 0, false, false, false, null);
    }

    /** SASL PLAIN (RFC 4616) with an empty authorization identity, sent as the initial response. */
    public static AuthRequest plain(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[u.length + p.length + 2];
        System.arraycopy(u, 0, msg, 1, u.length);
        System.arraycopy(p, 0, msg, u.length + 2, p.length);
        return of("PLAIN", msg, ChallengeResponder.NONE);
    }

    /** SASL LOGIN: no initial response; the first challenge gets the user name, the second the password. */
    public static AuthRequest login(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        return of("LOGIN", null, ChallengeResponder.sequence(user.getBytes(StandardCharsets.UTF_8),
            password.getBytes(StandardCharsets.UTF_8)));
    }

    /** The local (server) and remote (client) address of the SMTP connection: {@code lip lport rip rport}. */
    public AuthRequest withAddresses(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        return new AuthRequest(mechanism, initialResponse, responder, address(local), address(remote), port(localPort),
            port(remotePort), secured, validClientCert, noPenalty, session);
    }

    /** {@code secured}: the SMTP session is under TLS (or otherwise trusted, e.g. from the local host). */
    public AuthRequest withSecured(boolean value) {
        return new AuthRequest(mechanism, initialResponse, responder, lip, rip, lport, rport, value, validClientCert,
            noPenalty, session);
    }

    /** {@code valid-client-cert}: the SMTP client presented a verified certificate. */
    public AuthRequest withValidClientCert(boolean value) {
        return new AuthRequest(mechanism, initialResponse, responder, lip, rip, lport, rport, secured, value,
            noPenalty, session);
    }

    /** {@code no-penalty}: exempt this request from Dovecot's per-IP failure penalty. */
    public AuthRequest withNoPenalty(boolean value) {
        return new AuthRequest(mechanism, initialResponse, responder, lip, rip, lport, rport, secured, validClientCert,
            value, session);
    }

    /** {@code session=}: an id shown in Dovecot's log lines for this request (e.g. the SMTP session id). */
    public AuthRequest withSession(String value) {
        return new AuthRequest(mechanism, initialResponse, responder, lip, rip, lport, rport, secured, validClientCert,
            noPenalty, value);
    }

    private static String address(InetAddress a) {
        if (a == null) {
            return null;
        }
        String s = a.getHostAddress();
        int scope = s.indexOf('%');
        return scope >= 0 ? s.substring(0, scope) : s;
    }

    private static int port(int p) {
        return p > 0 && p <= 65535 ? p : 0;
    }

    public String mechanism() {
        return mechanism;
    }

    byte[] initialResponse() {
        return initialResponse;
    }

    ChallengeResponder responder() {
        return responder;
    }

    /**
     * The AUTH line (without id and newline) as {@code \t}-joined fields after the id:
     * {@code <mech> service=<s> [params] [resp=<b64>]}. Values are tab-escaped.
     */
    String fieldsAfterId(String service) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(mechanism).append('\t').append("service=").append(DovecotWire.escape(service));
        if (lip != null) {
            sb.append("\tlip=").append(DovecotWire.escape(lip));
        }
        if (rip != null) {
            sb.append("\trip=").append(DovecotWire.escape(rip));
        }
        if (lport > 0) {
            sb.append("\tlport=").append(lport);
        }
        if (rport > 0) {
            sb.append("\trport=").append(rport);
        }
        if (secured) {
            sb.append("\tsecured");
        }
        if (validClientCert) {
            sb.append("\tvalid-client-cert");
        }
        if (noPenalty) {
            sb.append("\tno-penalty");
        }
        if (session != null) {
            sb.append("\tsession=").append(DovecotWire.escape(session));
        }
        if (initialResponse != null) {
            // an empty response is "=", since an empty resp= means "no initial response" to a 1.0 client
            sb.append("\tresp=").append(initialResponse.length == 0 ? "=" : DovecotWire.base64(initialResponse));
        }
        return sb.toString();
    }

    /** Mechanism and connection facts only; the SASL data (passwords) is never shown. */
    @Override
    public String toString() {
        return "AuthRequest{" + mechanism + (rip != null ? ", rip=" + rip : "") + (lip != null ? ", lip=" + lip : "")
            + (secured ? ", secured" : "") + "}";
    }
}
