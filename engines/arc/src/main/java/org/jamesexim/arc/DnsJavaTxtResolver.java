package org.jamesexim.arc;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

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
    private final Resolver resolver;
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
        this(systemResolver(timeout), Duration.ofHours(1), Duration.ofMinutes(5), System::currentTimeMillis);
    }

    /** Asks one server ({@code host}, {@code port}) with the given timeout. */
    public static DnsJavaTxtResolver forServer(String host, int port, Duration timeout) {
        try {
            SimpleResolver r = new SimpleResolver(host);
            r.setPort(port);
            r.setTimeout(timeout);
            return new DnsJavaTxtResolver(r, Duration.ofHours(1), Duration.ofMinutes(5), System::currentTimeMillis);
        } catch (IOException e) {
            throw new IllegalArgumentException("DNS server '" + host + "' is not usable: " + e.getMessage(), e);
        }
    }

    public DnsJavaTxtResolver(Resolver resolver, Duration maxTtl, Duration negativeTtl, LongSupplier clockMillis) {
        this.resolver = resolver;
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
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN)));
        } catch (IOException ex) {
            throw new TxtLookupException("TXT lookup of " + key + " failed: " + ex.getMessage());
        }
        int rcode = response.getRcode();
        List<String> txt = new ArrayList<>(1);
        long ttl = maxTtlMillis;
        if (rcode == Rcode.NXDOMAIN) {
            ttl = negativeTtlMillis;
        } else if (rcode != Rcode.NOERROR) {
            throw new TxtLookupException("TXT lookup of " + key + " failed: " + Rcode.string(rcode));
        } else {
            for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord && r.getName().equals(qname)) {
                    StringBuilder sb = new StringBuilder();
                    for (String s : ((TXTRecord) r).getStrings()) {
                        sb.append(s);
                    }
                    txt.add(sb.toString());
                    ttl = Math.min(ttl, r.getTTL() * 1000L);
                }
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
