package org.jamesexim.mailets.mime;

import java.io.InputStream;

import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MimeMessageSource;

/**
 * Message bytes as James's message source: a {@code MimeMessageWrapper} over it parses nothing until asked and
 * writes an unmodified message out as these exact bytes.
 */
public final class BytesSource implements MimeMessageSource {
    private final String id;
    private final byte[] bytes;

    public BytesSource(String id, byte[] bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    @Override
    public String getSourceId() {
        return id;
    }

    @Override
    public InputStream getInputStream() {
        return new SharedByteArrayInputStream(bytes);
    }

    @Override
    public long getMessageSize() {
        return bytes.length;
    }
}
