package org.jamesexim.mailets.james;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one test that breaks when a James upgrade moves a private field the pack uses. */
class JamesInternalsTest {
    @Test
    void everyFieldThePackUsesIsThereInThisJames() {
        assertThat(JamesInternals.missing()).as("James 3.8.1 private fields not found").isEmpty();
    }

    @Test
    void aTransportThatIsNotNettysHasNoChannel() {
        assertThat(JamesInternals.channel(null)).isNull();
    }
}
