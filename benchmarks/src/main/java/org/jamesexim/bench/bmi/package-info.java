/**
 * JMH benchmarks of the bmi engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.bmi;
