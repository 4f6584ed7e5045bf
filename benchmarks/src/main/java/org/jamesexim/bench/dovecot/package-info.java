/**
 * JMH benchmarks of the dovecot engine, normal and hostile input; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.bench.dovecot;
