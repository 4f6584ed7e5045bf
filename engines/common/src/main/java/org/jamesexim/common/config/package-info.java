/**
 * The one way the pack reads its configuration: every parameter of a mailet, matcher, hook or {@code .properties}
 * file is declared once ({@link org.jamesexim.common.config.Param}: name, kind, default, allowed values, secret,
 * old names) in a {@link org.jamesexim.common.config.ParamSet}, which reads a
 * {@link org.jamesexim.common.config.ParamSource} into {@link org.jamesexim.common.config.ParamValues}, refusing
 * unknown names and bad values with a {@link org.jamesexim.common.config.ParamException} that names the parameter
 * and the value (never the value of a secret).
 *
 * <p>The grammar, the same for every parameter of a kind:</p>
 * <ul>
 * <li><b>boolean</b>: {@code true} or {@code false}, any case; anything else ({@code yes}, {@code no}, {@code 1},
 * {@code on}) is refused, so that no value can be read as the opposite of what was meant;</li>
 * <li><b>duration</b>: a whole number with a unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a bare
 * number of seconds ({@code 5}, {@code 0.5}); positive unless the parameter allows zero; some have a maximum;</li>
 * <li><b>integer</b>: a whole number within the parameter's range;</li>
 * <li><b>choice</b>: one of the allowed words, any case;</li>
 * <li><b>list</b>: items separated by commas (and, for lists that say so, blanks or colons, Exim's separator);
 * empty items are dropped; each item may be checked (allowed words or a test);</li>
 * <li><b>endpoint</b>: {@code /unix/socket/path} or {@code host port} ({@code host:port}, {@code [v6]:port}), see
 * {@link org.jamesexim.common.Endpoint};</li>
 * <li><b>text</b>: trimmed, optionally checked.</li>
 * </ul>
 * <p>An empty value is the same as an absent one: the default applies (or, for a required parameter, the error).
 * Plain Java, no James types: the glue modules adapt a MailetConfig, a hook's Configuration or a Properties to a
 * {@link org.jamesexim.common.config.ParamSource}.</p>
 */
package org.jamesexim.common.config;
