package org.jamesexim.dsn;

import java.util.Objects;
import java.util.Optional;

/**
 * The remote server a delivery attempt talked to: its name (MX or gateway name), the address and port actually
 * connected to, its greeting and its reply to EHLO/HELO (the last one, i.e. after STARTTLS when TLS was used).
 */
public final class RemoteMta {
    private final String hostName;
    private final String address;
    private final int port;
    private final String greeting;
    private final String heloResponse;

    private RemoteMta(String hostName, String address, int port, String greeting, String heloResponse) {
        this.hostName = hostName;
        this.address = address;
        this.port = port;
        this.greeting = greeting;
        this.heloResponse = heloResponse;
    }

    /**
     * @param hostName the name the address came from; may be null
     * @param address the IP address connected to (IPv4 or IPv6 text, without brackets)
     * @param port the TCP port connected to
     * @param greeting the complete greeting; may be null
     * @param heloResponse the complete EHLO/HELO reply; may be null
     */
    public static RemoteMta of(String hostName, String address, int port, String greeting, String heloResponse) {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1..65535: " + port);
        }
        return new RemoteMta(hostName, address, port, greeting, heloResponse);
    }

    public Optional<String> hostName() {
        return Optional.ofNullable(hostName);
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public Optional<String> greeting() {
        return Optional.ofNullable(greeting);
    }

    public Optional<String> heloResponse() {
        return Optional.ofNullable(heloResponse);
    }

    /** {@code [ip]:port}, or {@code [ip]} when the port is 25 (Exim's X-ip value). */
    public String xIp() {
        String bracketed = "[" + HeaderValues.firstLine(address, 64) + "]";
        return port == 25 ? bracketed : bracketed + ":" + port;
    }

    @Override
    public String toString() {
        return xIp() + (hostName == null ? "" : " (" + hostName + ")");
    }
}
