/**
 * Benchmarks of the pack (JMH and load runs; figures in BENCHMARKS.md with the command that made them) and what they share ({@code CpuClock}).
 */
package org.jamesexim.bench;
