/**
 * A mail's message as bytes and back, shared by the features' glue (ARC, DCC, BMI, queuefile, the foundation):
 * {@link org.jamesexim.mailets.mime.MimeBytes} reads a message as James writes it (from its source bytes when it is
 * unmodified), saves header changes on a body javax.mail cannot parse, and puts bytes back as a mail's message
 * ({@link org.jamesexim.mailets.mime.BytesSource}); {@link org.jamesexim.mailets.mime.MimeSession} is the one shared
 * javax.mail Session messages are built with. Nothing here is named in a configuration file.
 */
package org.jamesexim.mailets.mime;
