/**
 * JMH benchmarks of the arc engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.arc;
