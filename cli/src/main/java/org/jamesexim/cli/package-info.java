/**
 * The operator's command line over the engines ({@code jexim <command>}): ARC, DMARC, SRS, DCC, BMI, Dovecot auth,
 * queuefile and DSN probes, with the same parameters and results as the James glue.
 */
package org.jamesexim.cli;
