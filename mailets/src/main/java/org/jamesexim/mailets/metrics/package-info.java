/**
 * The pack's metrics, reported through James's own {@code MetricFactory} and named by the rule of
 * docs/configuration.md ("Metric names"): {@link org.jamesexim.mailets.metrics.PackMetrics} builds the names
 * (counters {@code <attribute>.<value>}, timers {@code jexim.<feature>.<peer>}), counts, times an outside call, and
 * holds the factory that reports nowhere for glue built without James. Nothing here is named in a configuration file.
 */
package org.jamesexim.mailets.metrics;
