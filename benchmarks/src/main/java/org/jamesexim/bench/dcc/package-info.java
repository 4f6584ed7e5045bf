/**
 * JMH benchmarks of the dcc engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.dcc;
