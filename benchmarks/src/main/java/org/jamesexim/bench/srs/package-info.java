/**
 * JMH benchmarks of the srs engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.srs;
