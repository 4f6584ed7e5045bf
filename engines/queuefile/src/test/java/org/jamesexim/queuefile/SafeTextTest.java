package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SafeText}: control characters of outside text escaped, length capped, idempotent. */
class SafeTextTest {
    @Test
    void safeTextEscapesControlsAndCaps() {
        assertThat(SafeText.escape("a\r\nb\tc\u0000d\u001b[31me\u007f", 100)).isEqualTo("a\\r\\nb\\tc\\x00d\\x1b[31me\\x7f");
        assertThat(SafeText.escape("\u0085\u2028\u2029\u202e\u2066\u200f\ufeff", 100)).isEqualTo("\\u0085\\u2028\\u2029\\u202e\\u2066\\u200f\\ufeff");
        assertThat(SafeText.escape("caf\u00e9 \uD83D\uDE00 ok", 100)).isEqualTo("caf\u00e9 \uD83D\uDE00 ok");
        assertThat(SafeText.escape("x".repeat(1000), 10)).isEqualTo("xxxxxxxxxx\u2026(990 more)");
        assertThat(SafeText.escape("abcdefghi\uD83D\uDE00", 10)).isEqualTo("abcdefghi\u2026(2 more)");
        String once = SafeText.escape("a\r\n\u001b\u2028", 100);
        assertThat(SafeText.escape(once, 100)).as("idempotent").isEqualTo(once);
        assertThat(SafeText.quote("it's\n")).isEqualTo("'it's\\n'");
        assertThat(SafeText.escape(null, 5)).isEqualTo("null");
    }
}
