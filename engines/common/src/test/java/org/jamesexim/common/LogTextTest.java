package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void controlsDelAndNonAsciiBecomeQuestionMarks() {
        assertThat(LogText.printable("a\r\nb\u0000c\u007fd\u00e9e \u001b[31m", 80)).isEqualTo("a??b?c?d?e ?[31m");
    }

    @Test
    void aLongerTextIsCutAtMaxAndMarked() {
        assertThat(LogText.printable("x".repeat(81), 80)).isEqualTo("x".repeat(80) + "...");
        assertThat(LogText.printable("x".repeat(80), 80)).isEqualTo("x".repeat(80));
        assertThat(LogText.printable("x".repeat(5_000_000), 60)).hasSize(63);
    }
}
