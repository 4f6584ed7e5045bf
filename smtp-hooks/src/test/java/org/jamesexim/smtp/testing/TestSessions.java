package org.jamesexim.smtp.testing;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The one stand-in for James's {@link SMTPSession} that the hooks' tests use (James 3.8.1 publishes no test session of
 * its own): it answers what the pack's hooks ask (session id, addresses, TLS, HELO, AUTH user, relaying, attachments)
 * from what the test set, records what a hook sets, and refuses any other method loudly, so a hook that starts asking
 * something new is seen at once.
 */
public final class TestSessions {
    private String id = "s1";
    private InetSocketAddress remote;
    private InetSocketAddress local;
    private boolean tls;
    private String helo;
    private Map<String, Object> state = new HashMap<>();
    private final List<String> attachmentsSet = new ArrayList<>();

    private TestSessions() {
    }

    public static TestSessions builder() {
        return new TestSessions();
    }

    public TestSessions id(String sessionId) {
        this.id = sessionId;
        return this;
    }

    public TestSessions remote(InetSocketAddress address) {
        this.remote = address;
        return this;
    }

    public TestSessions remote(String ip, int port) {
        return remote(new InetSocketAddress(ip, port));
    }

    public TestSessions local(String ip, int port) {
        this.local = new InetSocketAddress(ip, port);
        return this;
    }

    public TestSessions tls(boolean started) {
        this.tls = started;
        return this;
    }

    /** The HELO/EHLO name James would hold as {@link SMTPSession#CURRENT_HELO_NAME}. */
    public TestSessions helo(String name) {
        this.helo = name;
        return this;
    }

    /** The SMTP AUTH user (null: none). */
    public TestSessions user(String name) {
        state.put("user", name == null ? null : Username.of(name));
        return this;
    }

    public TestSessions relaying(boolean allowed) {
        state.put("relay", allowed);
        return this;
    }

    /** Keeps the session's state in {@code into} (the test reads it there); call before {@link #user} and {@link #relaying}. */
    public TestSessions state(Map<String, Object> into) {
        into.putAll(state);
        this.state = into;
        return this;
    }

    /**
     * What the session holds and what a hook set on it: {@code user} (a {@link Username}), {@code relay} (Boolean) and
     * each attachment under its key's name.
     */
    public Map<String, Object> state() {
        return state;
    }

    /** The names of the attachment keys a hook set, in order. */
    public List<String> attachmentsSet() {
        return attachmentsSet;
    }

    public SMTPSession build() {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "getSessionID":
                    return id;
                case "getRemoteAddress":
                    return remote;
                case "getLocalAddress":
                    return local;
                case "isTLSStarted":
                    return tls;
                case "getUsername":
                    return state.get("user");
                case "setUsername":
                    state.put("user", a[0]);
                    return null;
                case "isRelayingAllowed":
                    return state.getOrDefault("relay", false);
                case "setRelayingAllowed":
                    state.put("relay", a[0]);
                    return null;
                case "getAttachment":
                    if (SMTPSession.CURRENT_HELO_NAME.equals(a[0])) {
                        return Optional.ofNullable(helo);
                    }
                    return Optional.ofNullable(state.get(((ProtocolSession.AttachmentKey<?>) a[0]).asString()));
                case "setAttachment":
                    String key = ((ProtocolSession.AttachmentKey<?>) a[0]).asString();
                    attachmentsSet.add(key);
                    return Optional.ofNullable(state.put(key, a[1]));
                case "removeAttachment":
                    return Optional.ofNullable(state.remove(((ProtocolSession.AttachmentKey<?>) a[0]).asString()));
                case "toString":
                    return "test session " + id;
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == a[0];
                default:
                    throw new UnsupportedOperationException("TestSessions does not answer SMTPSession." + m.getName());
            }
        });
    }
}
