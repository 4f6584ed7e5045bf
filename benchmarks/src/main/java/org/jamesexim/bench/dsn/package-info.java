/**
 * JMH benchmarks of the dsn engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.dsn;
