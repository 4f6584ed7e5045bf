package org.jamesexim.it.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.james.dnsservice.api.DNSService;

/**
 * The demo's DNS: answers the demo's own names (the TXT record of the ARC key, {@code demo._domainkey.example.test})
 * and hands every other question to James's normal DNS service (dnsjava with the host's resolvers, as configured in
 * {@code dnsservice.xml}; in tests the test's {@code LocalDns}), so real names resolve as they would without the demo.
 */
public final class DemoDns implements DNSService {
    private final Map<String, String> txt;
    private final DNSService delegate;

    /** {@code txt}: lower-case names without the final dot to their TXT text. */
    public DemoDns(Map<String, String> txt, DNSService delegate) {
        this.txt = Map.copyOf(txt);
        this.delegate = delegate;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        String own = txt.get(key(hostname));
        return own != null ? List.of(own) : delegate.findTXTRecords(hostname);
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws org.apache.james.dnsservice.api.TemporaryResolutionException {
        return delegate.findMXRecords(hostname);
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return delegate.getAllByName(host);
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return delegate.getByName(host);
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return delegate.getLocalHost();
    }

    @Override
    public String getHostName(InetAddress addr) {
        return delegate.getHostName(addr);
    }
}
