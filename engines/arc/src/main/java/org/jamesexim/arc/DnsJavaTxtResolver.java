package org.jamesexim.arc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT lookups through dnsjava with a hard timeout and a small TTL-bounded cache (positive answers for the
 * record TTL, capped at {@code maxTtl}; "no such record" for {@code negativeTtl}). Temporary failures are not
 * cached. Thread-safe; one instance per configuration.
 */
public final class DnsJavaTxtResolver implements TxtResolver {
    private static final int MAX_ENTRIES = 10_000;
    /** CNAMEs followed inside one answer. */
    static final int MAX_CNAMES = 8;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private final Resolver resolver;
    /** The per-lookup timeout this resolver was built with, or {@code null} when it is the resolver's own. */
    private final Duration timeout;
    private final long maxTtlMillis;
    private final long negativeTtlMillis;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    private static final class Entry {
        final List<String> txt;
        final long expires;

        Entry(List<String> txt, long expires) {
            this.txt = txt;
            this.expires = expires;
        }
    }

    /** Uses the system's resolvers (resolv.conf) with the given timeout. */
    public DnsJavaTxtResolver(Duration timeout) {
        this(systemResolver(timeout), timeout, Duration.ofHours(1), Duration.ofMinutes(5), System::currentTimeMillis);
    }

    /** Asks one server ({@code host}, {@code port}) with the given timeout. */
    public static DnsJavaTxtResolver forServer(String host, int port, Duration timeout) {
        try {
            SimpleResolver r = new SimpleResolver(host);
            r.setPort(port);
            r.setTimeout(timeout);
            return new DnsJavaTxtResolver(r, timeout, Duration.ofHours(1), Duration.ofMinutes(5), System::currentTimeMillis);
        } catch (IOException e) {
            throw new IllegalArgumentException("DNS server '" + host + "' is not usable: " + e.getMessage(), e);
        }
    }

    /**
     * Asks these servers (port 53), as James's DNS service does with the servers of its {@code dnsservice.xml};
     * each lookup waits at most {@code timeout} in all.
     */
    public static DnsJavaTxtResolver forServers(List<String> servers, Duration timeout) {
        try {
            ExtendedResolver r = new ExtendedResolver(servers.toArray(new String[0]));
            r.setTimeout(timeout);
            r.setRetries(1);
            return new DnsJavaTxtResolver(r, timeout, Duration.ofHours(1), Duration.ofMinutes(5), System::currentTimeMillis);
        } catch (IOException e) {
            throw new IllegalArgumentException("DNS servers " + servers + " are not usable: " + e.getMessage(), e);
        }
    }

    public DnsJavaTxtResolver(Resolver resolver, Duration maxTtl, Duration negativeTtl, LongSupplier clockMillis) {
        this(resolver, null, maxTtl, negativeTtl, clockMillis);
    }

    private DnsJavaTxtResolver(Resolver resolver, Duration timeout, Duration maxTtl, Duration negativeTtl,
                               LongSupplier clockMillis) {
        this.resolver = resolver;
        this.timeout = timeout;
        this.maxTtlMillis = maxTtl.toMillis();
        this.negativeTtlMillis = negativeTtl.toMillis();
        this.clockMillis = clockMillis;
    }

    private static Resolver systemResolver(Duration timeout) {
        ExtendedResolver r = new ExtendedResolver();
        r.setTimeout(timeout);
        r.setRetries(1);
        return r;
    }

    @Override
    public List<String> lookupTxt(String name) throws TxtLookupException {
        return lookupTxt(name, timeout != null ? timeout : DEFAULT_TIMEOUT);
    }

    /**
     * Asks for the TXT records of {@code name}, waiting at most {@code timeout} (and never longer than the timeout
     * the resolver was built with). NXDOMAIN and an answer without TXT records (NODATA) give an empty list and are
     * cached for {@code negativeTtl}; a timeout, SERVFAIL, REFUSED or any other failure is a
     * {@link TxtLookupException} and is not cached. CNAMEs in the answer are followed (at most
     * {@value #MAX_CNAMES}), as a DKIM key published through a CNAME is common.
     */
    @Override
    public List<String> lookupTxt(String name, Duration timeout) throws TxtLookupException {
        String key = name.toLowerCase(Locale.ROOT);
        long now = clockMillis.getAsLong();
        Entry e = cache.get(key);
        if (e != null && e.expires > now) {
            return e.txt;
        }
        Name qname;
        try {
            qname = Name.fromString(key.endsWith(".") ? key : key + ".");
        } catch (TextParseException ex) {
            return Collections.emptyList();
        }
        long waitMillis = Math.max(1, timeout.toMillis());
        if (this.timeout != null) {
            waitMillis = Math.min(waitMillis, this.timeout.toMillis());
        }
        Message response;
        CompletableFuture<Message> pending =
                resolver.sendAsync(Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN))).toCompletableFuture();
        try {
            response = pending.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            pending.cancel(true);
            throw new TxtLookupException("TXT lookup of " + key + " failed: timed out after " + waitMillis + " ms");
        } catch (ExecutionException ex) {
            Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            throw new TxtLookupException("TXT lookup of " + key + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            throw new TxtLookupException("TXT lookup of " + key + " interrupted");
        }
        int rcode = response.getRcode();
        List<String> txt = new ArrayList<>(1);
        long ttl = maxTtlMillis;
        if (rcode == Rcode.NXDOMAIN) {
            ttl = negativeTtlMillis;
        } else if (rcode != Rcode.NOERROR) {
            throw new TxtLookupException("TXT lookup of " + key + " failed: " + Rcode.string(rcode));
        } else {
            List<Record> answers = response.getSection(Section.ANSWER);
            Name owner = qname;
            for (int hops = 0; hops <= MAX_CNAMES; hops++) {
                Name next = null;
                for (Record r : answers) {
                    if (!r.getName().equals(owner)) {
                        continue;
                    }
                    if (r instanceof TXTRecord) {
                        StringBuilder sb = new StringBuilder();
                        for (byte[] part : ((TXTRecord) r).getStringsAsByteArrays()) {
                            sb.append(new String(part, StandardCharsets.ISO_8859_1));
                        }
                        txt.add(sb.toString());
                        ttl = Math.min(ttl, r.getTTL() * 1000L);
                    } else if (r instanceof CNAMERecord) {
                        next = ((CNAMERecord) r).getTarget();
                        ttl = Math.min(ttl, r.getTTL() * 1000L);
                    }
                }
                if (!txt.isEmpty() || next == null) {
                    break;
                }
                owner = next;
            }
            if (txt.isEmpty()) {
                ttl = negativeTtlMillis;
            }
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        List<String> result = Collections.unmodifiableList(txt);
        cache.put(key, new Entry(result, now + ttl));
        return result;
    }
}
