package org.jamesexim.operations.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.jamesexim.common.LogText;
import org.jamesexim.operations.PackConfiguration;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the pack's health checks share: each probes every place its feature is configured (one Dovecot per
 * {@code DovecotAuthHook} handler, one Rspamd per {@code BmiRun} endpoint, ...) with the feature's own timeouts, on
 * a thread of its own (James runs the checks of {@code GET /healthcheck} at once). The meaning is James's:
 * <b>unhealthy</b> (HTTP 503) when the feature cannot work at all (no configured server answers), <b>degraded</b>
 * (HTTP 200, named in the answer) when it works in part (some of its servers answer, or the answer could not be
 * checked, such as DNS that does not answer for a key record), <b>healthy</b> otherwise. The cause names the server
 * and what went wrong, never a secret.
 *
 * <p>A check is listed by the operator in {@code healthcheck.properties}
 * ({@code additional.healthchecks}), the list James 3.8.1 loads extension checks from; a check listed for a
 * feature that is not configured stops James at start, so the list cannot claim a check that does not run.</p>
 */
public abstract class PackHealthCheck implements HealthCheck {
    /** The longest cause text shown (the causes of several servers are joined). */
    static final int MAX_CAUSE = 1000;

    private final ComponentName componentName;

    protected PackHealthCheck(String componentName) {
        this.componentName = new ComponentName(componentName);
    }

    @Override
    public ComponentName componentName() {
        return componentName;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::probe)
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorResume(e -> Mono.just(Result.unhealthy(componentName, cause("check failed: " + e))));
    }

    /** Probes every configured place; blocking, bounded by the feature's own timeouts. */
    protected abstract Result probe();

    /** The outcome of probing one configured place. */
    protected static final class Outcome {
        final String target;
        final String failure;
        final boolean partial;

        private Outcome(String target, String failure, boolean partial) {
            this.target = target;
            this.failure = failure;
            this.partial = partial;
        }

        public static Outcome ok(String target) {
            return new Outcome(target, null, false);
        }

        /** The place does not work. */
        public static Outcome failed(String target, String why) {
            return new Outcome(target, Objects.requireNonNull(why), false);
        }

        /** The place works, but something could not be checked or is off. */
        public static Outcome degraded(String target, String why) {
            return new Outcome(target, Objects.requireNonNull(why), true);
        }
    }

    /** Unhealthy when every place failed, degraded when some failed or are off, healthy when all answered. */
    protected Result combine(List<Outcome> outcomes) {
        List<String> causes = new ArrayList<>();
        int failed = 0;
        for (Outcome o : outcomes) {
            if (o.failure != null) {
                causes.add(o.target + ": " + o.failure);
                if (!o.partial) {
                    failed++;
                }
            }
        }
        if (causes.isEmpty()) {
            return Result.healthy(componentName);
        }
        String cause = cause(String.join("; ", causes));
        return failed == outcomes.size() ? Result.unhealthy(componentName, cause) : Result.degraded(componentName, cause);
    }

    static String cause(String text) {
        return LogText.escape(text, MAX_CAUSE);
    }

    /** At start: the check is for a feature that is configured, or James stops naming the check. */
    static List<PackConfiguration.Element> required(List<PackConfiguration.Element> found, Class<?> check, String what) {
        if (found.isEmpty()) {
            throw new IllegalStateException(check.getName() + " is listed in healthcheck.properties (additional.healthchecks) but "
                + what + " is not configured: configure it or remove the check from the list");
        }
        return found;
    }
}
