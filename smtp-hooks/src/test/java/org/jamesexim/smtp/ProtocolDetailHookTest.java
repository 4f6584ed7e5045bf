package org.jamesexim.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Which exceptions the protocol_detail handler takes for a client's reset (the end-to-end cases are in ProtocolDetailIT). */
class ProtocolDetailHookTest {

    @Test
    void resetsAndBrokenPipesHoweverWrapped() {
        assertThat(ProtocolDetailHook.isReset(new SocketException("Connection reset"))).isTrue();
        assertThat(ProtocolDetailHook.isReset(new RuntimeException(new IOException("Broken pipe")))).isTrue();
        assertThat(ProtocolDetailHook.isReset(new IOException("handshake failure"))).isFalse();
        assertThat(ProtocolDetailHook.isReset(new IOException((String) null))).isFalse();
    }

    /** Before: a cause chain that loops back (A caused by B caused by A) kept the Netty event loop in this method. */
    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(ProtocolDetailHook.isReset(a)).isFalse());
    }
}
