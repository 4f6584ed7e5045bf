/**
 * JMH benchmarks of the queuefile engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.queuefile;
