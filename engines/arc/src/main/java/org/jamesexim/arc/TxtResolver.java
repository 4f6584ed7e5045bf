package org.jamesexim.arc;

import java.time.Duration;
import java.util.List;

/**
 * Looks up the TXT records of a DNS name. Implementations must be thread-safe and must return or fail within
 * their own timeout; they never block forever. An answer that the name has no TXT record (NXDOMAIN, NODATA) is an
 * empty list; an answer that could not be had (timeout, SERVFAIL, no server) is a {@link TxtLookupException}: the
 * two must never be confused, or a DNS outage reads as "no key" and good mail is refused for good.
 */
@FunctionalInterface
public interface TxtResolver {
    /**
     * @param name a DNS name without the trailing dot, e.g. {@code sel._domainkey.example.org}
     * @return the TXT records (each one's strings joined), empty if the name has none or does not exist
     * @throws TxtLookupException when the answer could not be had (timeout, SERVFAIL, no server): a temporary error
     */
    List<String> lookupTxt(String name) throws TxtLookupException;

    /**
     * As {@link #lookupTxt(String)}, giving up after {@code timeout} at most (what is left of a verification's DNS
     * deadline). The default cannot shorten a lookup and simply asks {@link #lookupTxt(String)}; resolvers that can
     * (dnsjava) override it.
     */
    default List<String> lookupTxt(String name, Duration timeout) throws TxtLookupException {
        return lookupTxt(name);
    }

    /** A temporary DNS failure (the "temperror" of RFC 8601): the record may exist, but we could not learn it. */
    final class TxtLookupException extends Exception {
        private static final long serialVersionUID = 1L;

        public TxtLookupException(String message) {
            super(message, null, false, false);
        }
    }
}
