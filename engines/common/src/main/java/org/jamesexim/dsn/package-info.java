/**
 * DSN extra information (Exim's {@code EXPERIMENTAL_DSN_INFO}): what a remote SMTP server said during a failed
 * delivery, and the RFC 3464 {@code message/delivery-status} text that reports it, with every value made safe for a
 * header field. Plain Java, no James types; all values immutable and thread-safe.
 */
package org.jamesexim.dsn;
