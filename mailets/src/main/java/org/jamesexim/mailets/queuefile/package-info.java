/**
 * The queuefile glue's codec: {@link org.jamesexim.mailets.queuefile.QueueFileMail} translates between James's
 * {@code Mail} (envelope, remote host, HELO, auth user, DSN, per-recipient headers, attributes) and the engine's
 * {@code SpooledMessage}, for {@link org.jamesexim.mailets.QueueFile} and
 * {@link org.jamesexim.mailets.QueueFileRequeue}, which operators name and which stay flat with their attribute
 * names ({@code QueueFileAttributes}). Nothing here is named in a configuration file.
 */
package org.jamesexim.mailets.queuefile;
