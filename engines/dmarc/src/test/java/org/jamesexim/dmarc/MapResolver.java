package org.jamesexim.dmarc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jamesexim.arc.TxtResolver;

/** Fixed TXT answers for tests: several records per name, and {@link #TEMPERROR} for a lookup that fails. */
class MapResolver implements TxtResolver {
    static final String TEMPERROR = "TEMPERROR";
    final Map<String, Object> records;
    final AtomicInteger lookups = new AtomicInteger();

    MapResolver(Map<String, Object> records) {
        Map<String, Object> m = new LinkedHashMap<>();
        records.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        this.records = m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> lookupTxt(String name) throws TxtLookupException {
        lookups.incrementAndGet();
        Object v = records.get(name.toLowerCase(Locale.ROOT));
        if (TEMPERROR.equals(v)) {
            throw new TxtLookupException("TXT lookup of " + name + " failed: timed out after 5000 ms");
        }
        return v == null ? Collections.emptyList() : (List<String>) v;
    }
}
