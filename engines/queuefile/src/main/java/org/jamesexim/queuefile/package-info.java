/**
 * Queuefile: writes mail with its whole envelope into a directory and reads it back, in two formats.
 *
 * <ul>
 *   <li>{@link org.jamesexim.queuefile.SpoolFormat#JAMES}: {@code <id>.eml} (the raw message bytes) and
 *   {@code <id>.json} (the versioned envelope, see {@link org.jamesexim.queuefile.JamesEnvelopeCodec});</li>
 *   <li>{@link org.jamesexim.queuefile.SpoolFormat#EXIM}: {@code <id>-D} and {@code <id>-H} as Exim's
 *   "Format of spool files" describes (see {@link org.jamesexim.queuefile.EximHeaderFile}).</li>
 * </ul>
 *
 * <p>{@link org.jamesexim.queuefile.SpoolDirectory} writes crash-safely (temporary name, fsync, link into place,
 * the envelope/{@code -H} file last, directory fsync, mode 0600) and reads only complete messages;
 * {@link org.jamesexim.queuefile.Requeuer} takes messages back exactly once. No James types.</p>
 */
package org.jamesexim.queuefile;
