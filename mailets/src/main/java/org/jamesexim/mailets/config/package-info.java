/**
 * The glue's side of the parameter layer ({@code org.jamesexim.common.config}): {@link
 * org.jamesexim.mailets.config.GlueParams} reads a mailet's init parameters, a matcher's condition, an SMTP hook's
 * Configuration or a {@code .properties} file through the parameters a class declares, logs the deprecated names used
 * and turns a bad or unknown parameter into the exception James expects at start-up.
 */
package org.jamesexim.mailets.config;
