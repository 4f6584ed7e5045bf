package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link LogText} and {@link HeaderText} on hostile input: exact output, bounded, one line, never an exception. */
class LogTextTest {
    @Test
    void everyC0ControlAndDelIsEscaped() {
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            in.append(c);
            expected.append(c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.format("\\x%02x", (int) c));
        }
        in.append('\u007f');
        expected.append("\\x7f");
        assertThat(LogText.escape(in.toString(), 100)).isEqualTo(expected.toString());
    }

    @Test
    void aFakeLogLineAndATerminalEscapeStayOnOneVisibleLine() {
        assertThat(LogText.escape("bob\r\n2026-01-01 INFO admin logged in \u001b[31mred\u001b[0m", 200))
            .isEqualTo("bob\\r\\n2026-01-01 INFO admin logged in \\x1b[31mred\\x1b[0m");
    }

    @Test
    void aBackslashIsDoubledSoTheEscapesAreUnambiguous() {
        assertThat(LogText.escape("a\\nb", 100)).isEqualTo("a\\\\nb");
        assertThat(LogText.escape("a\nb", 100)).isEqualTo("a\\nb");
        assertThat(LogText.escape(LogText.escape("a\n", 100), 100)).isEqualTo("a\\\\n");
    }

    @Test
    void nonAsciiIsShownByCodePoint() {
        assertThat(LogText.escape("caf\u00e9 \u0430 \u0085\u2028\u202e\u200b\ufeff", 100))
            .isEqualTo("caf\\u00e9 \\u0430 \\u0085\\u2028\\u202e\\u200b\\ufeff");
        assertThat(LogText.escape("\ud83d\ude00!", 100)).isEqualTo("\\U0001f600!");
        assertThat(LogText.escape("\ud800x\udc00\ud83d", 100)).isEqualTo("\\ud800x\\udc00\\ud83d");
    }

    @Test
    void aLongerTextIsCutAtMaxAndSaysHowMuchWasLeftOut() {
        assertThat(LogText.escape("x".repeat(81), 80)).isEqualTo("x".repeat(80) + "...(1 more)");
        assertThat(LogText.escape("x".repeat(80), 80)).isEqualTo("x".repeat(80));
        assertThat(LogText.escape("abcdefghi\ud83d\ude00", 10)).isEqualTo("abcdefghi...(2 more)");
        assertThat(LogText.escape("ab", 0)).isEqualTo("...(2 more)");
        assertThat(LogText.escape("ab", -5)).isEqualTo("...(2 more)");
        assertThat(LogText.escape("a\n", 1)).isEqualTo("a...(1 more)");
    }

    @Test
    void nullAndEmpty() {
        assertThat(LogText.escape(null, 5)).isEqualTo("null");
        assertThat(LogText.escape("", 5)).isEmpty();
        assertThat(LogText.quote(null)).isEqualTo("null");
        assertThat(LogText.quote("it's\n")).isEqualTo("'it's\\n'");
        assertThat(LogText.quote("y".repeat(200))).isEqualTo("'" + "y".repeat(LogText.SNIPPET_CHARS) + "...(80 more)'");
    }

    @Test
    void multiMebibyteInputIsCutInOnePass() {
        String big = "\r\n\u001b\ud800\u00e9\\".repeat(1 << 20);
        assertThat(LogText.escape(big, 6)).isEqualTo("\\r\\n\\x1b\\ud800\\u00e9\\\\...(" + (big.length() - 6) + " more)");
        String all = LogText.escape(big, Integer.MAX_VALUE);
        assertThat(all).hasSize((2 + 2 + 4 + 6 + 6 + 2) << 20).matches("[\\x20-\\x7e]*");
        assertThat(LogText.escape("x".repeat(5_000_000), 60)).isEqualTo("x".repeat(60) + "...(4999940 more)");
    }

    @Test
    void headerTextIsPrintableAsciiWithWhitespaceRunsAsOneSpace() {
        assertThat(HeaderText.of("  a\r\n b\u0000c\u00e9d\u007f \ud83d\ude00\ud800 \t", 50)).isEqualTo("a b?c?d? ??");
        assertThat(HeaderText.of("a\r\nX-Injected: yes", 50)).isEqualTo("a X-Injected: yes");
        assertThat(HeaderText.of("x".repeat(300), 20)).isEqualTo("x".repeat(17) + "...");
        assertThat(HeaderText.of("x".repeat(20), 20)).isEqualTo("x".repeat(20));
        assertThat(HeaderText.of("abc def", 1)).isEqualTo("...");
        assertThat(HeaderText.of(null, 5)).isEmpty();
        assertThat(HeaderText.of("\r\n".repeat(3 << 20) + "z", 10)).isEqualTo("z");
    }
}
