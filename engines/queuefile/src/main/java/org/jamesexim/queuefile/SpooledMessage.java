package org.jamesexim.queuefile;

import java.util.Objects;

/**
 * A message as spooled: its envelope and its raw RFC 5322 bytes (CRLF line ends, as James holds them).
 * Immutable apart from the byte array, which is never modified and must not be modified by callers.
 */
public final class SpooledMessage {
    private final String id;
    private final SpoolEnvelope envelope;
    private final byte[] content;

    public SpooledMessage(String id, SpoolEnvelope envelope, byte[] content) {
        this.id = id;
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.content = Objects.requireNonNull(content, "content");
    }

    /** The spool id (file name stem) this message was read from, or null before it is written. */
    public String id() {
        return id;
    }

    public SpoolEnvelope envelope() {
        return envelope;
    }

    /** The raw message; do not modify. */
    public byte[] content() {
        return content;
    }
}
