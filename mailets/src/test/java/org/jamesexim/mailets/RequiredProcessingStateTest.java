package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mailet.Mailet;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

/** Mailets that send mail to another processor say so, so that James refuses to start without that processor. */
class RequiredProcessingStateTest {
    static Mailet init(Mailet m, String... params) throws Exception {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("m").mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        m.init(b.build());
        return m;
    }

    @Test
    void bmiRunNamesItsProcessorAndWithFailClosedItsErrorProcessor() throws Exception {
        assertThat(init(new BmiRun()).requiredProcessingState()).isEmpty();
        assertThat(init(new BmiRun(), "processor", "transport").requiredProcessingState()).containsExactly(new ProcessingState("transport"));
        assertThat(init(new BmiRun(), "on_error", "fail_closed", "error_processor", "bmi-error").requiredProcessingState())
            .containsExactly(new ProcessingState("bmi-error"));
    }

    @Test
    void srsReverseInDatabaseModeNamesTheErrorProcessor() throws Exception {
        assertThat(init(new SrsReverse(), "secrets", SrsMailetsTest.SECRET).requiredProcessingState()).isEmpty();
        assertThat(init(new SrsReverse(), "secrets", SrsMailetsTest.SECRET, "dburl", "jdbc:h2:mem:required" + System.nanoTime())
            .requiredProcessingState()).containsExactly(new ProcessingState("error"));
    }
}
