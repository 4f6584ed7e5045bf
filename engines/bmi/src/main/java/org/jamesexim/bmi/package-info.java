/**
 * Brightmail-style (BMI) per-recipient spam verdicts, engine side: the verdict model ({@link org.jamesexim.bmi.BmiVerdict},
 * {@link org.jamesexim.bmi.BmiVerdicts}, {@link org.jamesexim.bmi.BmiRouting}), opt-in profiles
 * ({@link org.jamesexim.bmi.BmiOptin}, {@link org.jamesexim.bmi.BmiOptinTable}), the engine SPI
 * ({@link org.jamesexim.bmi.BmiEngine}) and its Rspamd implementation ({@link org.jamesexim.bmi.RspamdEngine}).
 * Plain Java, no James types; all values immutable, all classes thread-safe.
 */
package org.jamesexim.bmi;
