package org.jamesexim.operations.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

/** James's meaning of the statuses, as the pack's checks give them. */
class PackHealthCheckTest {
    static final class Fixed extends PackHealthCheck {
        private final List<Outcome> outcomes;

        Fixed(List<Outcome> outcomes) {
            super("Test component");
            this.outcomes = outcomes;
        }

        @Override
        protected Result probe() {
            if (outcomes == null) {
                throw new IllegalStateException("boom");
            }
            return combine(outcomes);
        }
    }

    static Result run(List<PackHealthCheck.Outcome> outcomes) {
        return Mono.from(new Fixed(outcomes).check()).block();
    }

    @Test
    void allAnsweringIsHealthy() {
        Result r = run(List.of(PackHealthCheck.Outcome.ok("a"), PackHealthCheck.Outcome.ok("b")));
        assertThat(r.getStatus()).isEqualTo(ResultStatus.HEALTHY);
        assertThat(r.getComponentName().getName()).isEqualTo("Test component");
    }

    @Test
    void noneAnsweringIsUnhealthyWithEveryCause() {
        Result r = run(List.of(PackHealthCheck.Outcome.failed("a", "refused"), PackHealthCheck.Outcome.failed("b", "timeout")));
        assertThat(r.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(r.getCause()).contains("a: refused; b: timeout");
    }

    @Test
    void someAnsweringOrAPartialOutcomeIsDegraded() {
        assertThat(run(List.of(PackHealthCheck.Outcome.ok("a"), PackHealthCheck.Outcome.failed("b", "refused"))).getStatus())
            .isEqualTo(ResultStatus.DEGRADED);
        Result partial = run(List.of(PackHealthCheck.Outcome.degraded("a", "DNS did not answer")));
        assertThat(partial.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(partial.getCause()).contains("a: DNS did not answer");
    }

    @Test
    void aFailingProbeIsUnhealthyAndCausesArePrintableAndBounded() {
        Result r = run(null);
        assertThat(r.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(r.getCause().orElseThrow()).contains("boom");
        Result longOne = run(List.of(PackHealthCheck.Outcome.failed("a", "x\r\ny".repeat(2000))));
        assertThat(longOne.getCause().orElseThrow()).isEqualTo("a: " + "x\\r\\ny".repeat(249) + "x...(7003 more)");
    }

    @Test
    void aCheckListedForAFeatureNotConfiguredIsRefusedNamingIt() {
        assertThatThrownBy(() -> PackHealthCheck.required(List.of(), DovecotAuthHealthCheck.class, "org.jamesexim.smtp.DovecotAuthHook (smtpserver.xml)"))
            .hasMessageContaining("org.jamesexim.operations.health.DovecotAuthHealthCheck is listed in healthcheck.properties")
            .hasMessageContaining("DovecotAuthHook (smtpserver.xml) is not configured");
    }

    @Test
    void theKeyOfARecordIsItsPTagWithoutBlanks() {
        assertThat(ArcSigningKeyHealthCheck.publicKey("v=DKIM1; k=rsa; p=MIIB Ijan\tBgk")).isEqualTo("MIIBIjanBgk");
        assertThat(ArcSigningKeyHealthCheck.publicKey("v=DKIM1; P=abc")).isEqualTo("abc");
        assertThat(ArcSigningKeyHealthCheck.publicKey("v=DKIM1; k=rsa")).isEmpty();
    }
}
