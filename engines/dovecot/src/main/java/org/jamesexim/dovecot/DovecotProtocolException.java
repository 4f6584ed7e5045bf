package org.jamesexim.dovecot;

import java.io.IOException;

/** Dovecot (or whatever listens at {@code server_socket}) broke the auth protocol; the connection is dropped. */
public class DovecotProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public DovecotProtocolException(String message) {
        super(message);
    }
}
