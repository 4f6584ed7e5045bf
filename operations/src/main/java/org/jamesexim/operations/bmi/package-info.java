/**
 * WebAdmin route of BMI: {@code POST /bmi/scan} scans a message against the configured Rspamd and shows the
 * per-recipient verdicts.
 */
package org.jamesexim.operations.bmi;
