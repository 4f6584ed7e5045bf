package org.jamesexim.arc;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches and parses {@code selector._domainkey.domain} keys through a {@link TxtResolver}, caching parsed keys
 * by record text so that a key is decoded once however often it is used. Thread-safe.
 */
final class KeyLookup {
    private static final int MAX_ENTRIES = 4096;
    private final TxtResolver resolver;
    private final ConcurrentHashMap<String, Object> parsed = new ConcurrentHashMap<>();

    KeyLookup(TxtResolver resolver) {
        this.resolver = resolver;
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

    PublicKeyRecord lookup(String selector, String domain) throws KeyException {
        String name = selector + "._domainkey." + domain;
        List<String> records;
        try {
            records = resolver.lookupTxt(name);
        } catch (TxtResolver.TxtLookupException e) {
            throw new KeyException("temperror: " + e.getMessage(), true);
        } catch (RuntimeException e) {
            throw new KeyException("temperror: TXT lookup of " + name + " failed: " + e, true);
        }
        if (records.isEmpty()) {
            throw new KeyException("no key record at " + name, false);
        }
        String firstError = null;
        for (String text : records) {
            Object cached = parsed.get(text);
            if (cached == null) {
                try {
                    cached = PublicKeyRecord.parse(text);
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
