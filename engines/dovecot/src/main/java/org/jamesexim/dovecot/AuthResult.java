package org.jamesexim.dovecot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one authentication request. Immutable.
 *
 * <ul>
 *   <li>{@link Status#OK}: Dovecot said {@code OK}; {@link #user()} is its {@code user=} value.</li>
 *   <li>{@link Status#FAIL}: Dovecot said {@code FAIL} for the credentials (wrong password, unknown user, bad
 *       data). An SMTP server answers 535.</li>
 *   <li>{@link Status#TEMPFAIL}: no verdict on the credentials: Dovecot unreachable, too slow, garbled, the
 *       mechanism not advertised, or {@code FAIL} with {@code code=temp_fail}. An SMTP server answers 454.</li>
 *   <li>{@link Status#CANCELLED}: the client side gave up the exchange (a challenge it could not answer).</li>
 * </ul>
 *
 * <p>{@link #reason()} is a text for logs: it never contains the credentials.</p>
 */
public final class AuthResult {
    /** The verdict. */
    public enum Status { OK, FAIL, TEMPFAIL, CANCELLED }

    private final Status status;
    private final String user;
    private final String code;
    private final String reason;
    private final Map<String, String> params;

    private AuthResult(Status status, String user, String code, String reason, Map<String, String> params) {
        this.status = Objects.requireNonNull(status, "status");
        this.user = user;
        this.code = code;
        this.reason = reason == null ? "" : reason;
        this.params = params.isEmpty() ? Map.of() : Collections.unmodifiableMap(params);
    }

    /**
     * A reply from Dovecot ({@code OK} or {@code FAIL}) with its parameters (flags map to the empty string). Takes
     * ownership of {@code params}: the caller must not keep or change it.
     */
    static AuthResult fromReply(Status status, LinkedHashMap<String, String> params, String reason) {
        return new AuthResult(status, params.get("user"), params.get("code"), reason, params);
    }

    /** A temporary failure decided on this side (connection, timeout, protocol). */
    public static AuthResult tempfail(String reason) {
        return new AuthResult(Status.TEMPFAIL, null, null, reason, Map.of());
    }

    /** A permanent failure decided on this side (request that Dovecot would reject as malformed). */
    public static AuthResult fail(String reason) {
        return new AuthResult(Status.FAIL, null, null, reason, Map.of());
    }

    /** The exchange was abandoned by the client side. */
    public static AuthResult cancelled(String reason) {
        return new AuthResult(Status.CANCELLED, null, null, reason, Map.of());
    }

    public Status status() {
        return status;
    }

    public boolean isOk() {
        return status == Status.OK;
    }

    /** Dovecot's {@code user=} (the canonical login name after its {@code auth_username_format}), if it sent one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** Dovecot's {@code code=} on a FAIL ({@code temp_fail}, {@code authz_fail}, {@code invalid_base64}, ...). */
    public Optional<String> code() {
        return Optional.ofNullable(code);
    }

    /** Why: Dovecot's {@code reason=}, or this side's description of a temporary failure. Never credentials. */
    public String reason() {
        return reason;
    }

    /** Whether Dovecot flagged an OK with {@code nologin} (a passdb extra field such as a locked account). */
    public boolean nologin() {
        return params.containsKey("nologin");
    }

    /** All parameters of Dovecot's reply, in order (flags map to ""); empty for results decided on this side. */
    public Map<String, String> params() {
        return params;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AuthResult{").append(status);
        if (user != null) {
            sb.append(", user=").append(user);
        }
        if (code != null) {
            sb.append(", code=").append(code);
        }
        if (!reason.isEmpty()) {
            sb.append(", reason=").append(reason);
        }
        return sb.append('}').toString();
    }
}
