package org.jamesexim.arc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches and parses {@code selector._domainkey.domain} keys through a {@link TxtResolver}, caching parsed keys
 * by record text so that a key is decoded once however often it is used. At most {@link ArcLimits#maxKeyRecords()}
 * records of a name are tried, each at most {@link ArcLimits#maxKeyRecordBytes()} long. Thread-safe.
 */
final class KeyLookup {
    /** Parsed records kept (each at most maxKeyRecordBytes of text: a bounded cache even under hostile DNS). */
    private static final int MAX_ENTRIES = 1024;
    private final TxtResolver resolver;
    private final ArcLimits limits;
    private final ConcurrentHashMap<String, Object> parsed = new ConcurrentHashMap<>();

    KeyLookup(TxtResolver resolver, ArcLimits limits) {
        this.resolver = resolver;
        this.limits = limits;
    }

    /** Why no key could be had: temporary (DNS) or permanent (no record, bad record). */
    static final class KeyException extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean temporary;

        KeyException(String message, boolean temporary) {
            super(message, null, false, false);
            this.temporary = temporary;
        }
    }

    static String name(String selector, String domain) {
        return selector + "._domainkey." + domain;
    }

    /** Looks the key up, waiting at most {@code timeout} for DNS. */
    PublicKeyRecord lookup(String selector, String domain, Duration timeout) throws KeyException {
        String name = name(selector, domain);
        List<String> records;
        try {
            records = resolver.lookupTxt(name, timeout);
        } catch (TxtResolver.TxtLookupException e) {
            throw new KeyException("temperror: " + e.getMessage(), true);
        } catch (RuntimeException e) {
            throw new KeyException("temperror: TXT lookup of " + name + " failed: " + e, true);
        }
        if (records.isEmpty()) {
            throw new KeyException("no key record at " + name, false);
        }
        String firstError = null;
        int tried = 0;
        for (String text : records) {
            if (++tried > limits.maxKeyRecords()) {
                break;
            }
            if (text.length() > limits.maxKeyRecordBytes()) {
                if (firstError == null) {
                    firstError = "key record of " + text.length() + " bytes is larger than " + limits.maxKeyRecordBytes()
                            + " (maxKeyRecordBytes)";
                }
                continue;
            }
            Object cached = parsed.get(text);
            if (cached == null) {
                try {
                    cached = PublicKeyRecord.parse(text, limits);
                } catch (PublicKeyRecord.InvalidKeyException e) {
                    cached = e.getMessage();
                }
                if (parsed.size() >= MAX_ENTRIES) {
                    parsed.clear();
                }
                parsed.put(text, cached);
            }
            if (cached instanceof PublicKeyRecord) {
                return (PublicKeyRecord) cached;
            }
            if (firstError == null) {
                firstError = (String) cached;
            }
        }
        throw new KeyException("invalid key at " + name + ": " + firstError, false);
    }
}
