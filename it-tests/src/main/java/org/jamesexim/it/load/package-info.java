/**
 * The SMTP load generator ({@code LoadRun}) that the production, fault and hostile runs of the test tree drive against
 * real James servers with the pack; their figures are in BENCHMARKS.md.
 */
package org.jamesexim.it.load;
