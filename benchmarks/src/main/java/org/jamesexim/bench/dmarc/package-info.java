/**
 * JMH benchmarks of the dmarc engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.dmarc;
