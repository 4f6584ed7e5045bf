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
    private final boolean frozen;

    public SpooledMessage(String id, SpoolEnvelope envelope, byte[] content) {
        this(id, envelope, content, false);
    }

    /** {@code frozen}: Exim's {@code -frozen} was in the -H read; such a message is held until it is thawed. */
    public SpooledMessage(String id, SpoolEnvelope envelope, byte[] content, boolean frozen) {
        this.id = id;
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.content = Objects.requireNonNull(content, "content");
        this.frozen = frozen;
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

    /** Whether the -H read said {@code -frozen} (an operator or Exim froze it; {@code exim -Mt} thaws it). */
    public boolean frozen() {
        return frozen;
    }
}
