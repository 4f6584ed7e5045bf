package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void unitsAndBareSeconds() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5 m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Durations.parse("0")).isZero();
    }

    @Test
    void anythingElseIsRefusedNamingTheValue() {
        for (String bad : new String[] {"", "s", "-5s", "1.5s", "10 seconds", "5d"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + bad + "'");
        }
    }
}
