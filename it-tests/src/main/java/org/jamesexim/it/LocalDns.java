package org.jamesexim.it;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.james.dnsservice.api.DNSService;

/**
 * James's {@link DNSService} answered from records the test sets, so nothing waits for a resolver:
 * names it does not know fail at once (as NXDOMAIN). {@code localhost} and IP literals resolve as usual.
 * The harness binds one by default; tests add records through {@link JamesHarness#dns()}.
 */
public final class LocalDns implements DNSService {
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();
    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** {@code name} has address {@code ip} (an IP literal). */
    public LocalDns address(String name, String ip) {
        try {
            addresses.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>()).add(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + ip, e);
        }
        return this;
    }

    /** {@code domain}'s mail goes to {@code host} (which needs an {@link #address}). */
    public LocalDns mx(String domain, String host) {
        mx.computeIfAbsent(key(domain), k -> new CopyOnWriteArrayList<>()).add(host);
        return this;
    }

    public LocalDns txt(String name, String text) {
        txt.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>()).add(text);
        return this;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        List<String> hosts = mx.get(key(hostname));
        if (hosts != null) {
            return List.copyOf(hosts);
        }
        // implicit MX (RFC 5321 5.1): the domain itself when it has an address
        return addresses.containsKey(key(hostname)) ? List.of(hostname) : List.of();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.copyOf(txt.getOrDefault(key(hostname), List.of()));
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        List<InetAddress> a = addresses.get(key(host));
        if (a != null) {
            return new ArrayList<>(a);
        }
        if (isLiteralOrLocalhost(host)) {
            return List.of(InetAddress.getAllByName(host));
        }
        throw new UnknownHostException(host + ": not in the test's DNS");
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress addr) {
        for (Map.Entry<String, List<InetAddress>> e : addresses.entrySet()) {
            if (e.getValue().contains(addr)) {
                return e.getKey();
            }
        }
        return addr.isLoopbackAddress() ? "localhost" : addr.getHostAddress();
    }

    private static boolean isLiteralOrLocalhost(String host) {
        return host.equalsIgnoreCase("localhost") || host.matches("[0-9.]+") || host.contains(":");
    }
}
