package org.jamesexim.mailets.metrics;

import java.time.Duration;
import java.util.regex.Pattern;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.mailet.AttributeName;
import org.reactivestreams.Publisher;

/**
 * Names, counts and times as docs/configuration.md ("Metric names") says, through James's {@link MetricFactory}
 * (Dropwizard in James's servers: JMX domain {@code metrics}, WebAdmin {@code GET /metrics} with
 * {@code MetricsRoutes}).
 *
 * <ul>
 *   <li>a counter is {@code <attribute name>.<value>}: {@code jexim.arc_state.pass}, {@code jexim.dcc_result.A};
 *       an empty value is {@code none}, a value that is not a short word ({@code [A-Za-z0-9_]}, at most 32) is
 *       {@code other}, so a peer's odd answer never makes a new metric per message;</li>
 *   <li>a timer is {@code jexim.<feature>.<peer>}: {@code jexim.arc.dns}, {@code jexim.dcc.dccifd}; it times every
 *       call, failed and timed-out ones included.</li>
 * </ul>
 */
public final class PackMetrics {
    /** Reports nowhere: for glue built without James (plain unit tests, the command line). */
    public static final MetricFactory NONE = new Discarding();
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_]{1,32}");

    private PackMetrics() {
    }

    /** An outside call that may throw. */
    @FunctionalInterface
    public interface Call<T, E extends Exception> {
        T call() throws E;
    }

    /** The counter of {@code value} of {@code attribute}: {@code jexim.arc_state.pass}. */
    public static String counter(AttributeName attribute, String value) {
        return counter(attribute.asString(), value);
    }

    /** The counter {@code <base>.<value>}, the value kept to a word (see the class comment). */
    public static String counter(String base, String value) {
        return base + "." + word(value);
    }

    static String word(String value) {
        if (value == null || value.isEmpty()) {
            return "none";
        }
        return WORD.matcher(value).matches() ? value : "other";
    }

    /** Adds one to the counter of {@code value} of {@code attribute}. */
    public static void count(MetricFactory metrics, AttributeName attribute, String value) {
        metrics.generate(counter(attribute, value)).increment();
    }

    /** Adds one to the counter named {@code name} (a result that sets no attribute: {@code jexim.arc.skipped}). */
    public static void count(MetricFactory metrics, String name) {
        metrics.generate(name).increment();
    }

    /** Runs {@code call} under the timer {@code timer}, which is published however the call ends. */
    public static <T, E extends Exception> T time(MetricFactory metrics, String timer, Call<T, E> call) throws E {
        TimeMetric t = metrics.timer(timer);
        try {
            return call.call();
        } finally {
            t.stopAndPublish();
        }
    }

    /** The factory {@link #NONE}: counters that stay at zero, timers that measure nothing. */
    private static final class Discarding implements MetricFactory {
        private static final Metric METRIC = new Metric() {
            @Override
            public void increment() {
            }

            @Override
            public void decrement() {
            }

            @Override
            public void add(int value) {
            }

            @Override
            public void remove(int value) {
            }

            @Override
            public long getCount() {
                return 0;
            }
        };
        private static final TimeMetric.ExecutionResult NOTHING = new TimeMetric.ExecutionResult() {
            @Override
            public Duration elasped() {
                return Duration.ZERO;
            }

            @Override
            @SuppressWarnings("deprecation")
            public TimeMetric.ExecutionResult logWhenExceedP99(Duration threshold) {
                return this;
            }
        };

        @Override
        public Metric generate(String name) {
            return METRIC;
        }

        @Override
        public TimeMetric timer(String name) {
            return new TimeMetric() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public TimeMetric.ExecutionResult stopAndPublish() {
                    return NOTHING;
                }
            };
        }

        @Override
        public <T> Publisher<T> decoratePublisherWithTimerMetric(String name, Publisher<T> publisher) {
            return publisher;
        }

        @Override
        @SuppressWarnings("deprecation")
        public <T> Publisher<T> decoratePublisherWithTimerMetricLogP99(String name, Publisher<T> publisher) {
            return publisher;
        }
    }
}
