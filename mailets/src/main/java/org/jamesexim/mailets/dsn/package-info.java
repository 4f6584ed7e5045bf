/**
 * The plumbing of {@link org.jamesexim.mailets.DsnInfoRemoteDelivery}, which operators name in mailetcontainer.xml
 * (it stays flat, as James's {@code RemoteDelivery} does, with its helpers in {@code remote.delivery}): James's
 * per-host delivery run under a class loader of our own ({@link org.jamesexim.mailets.dsn.DsnInfoMailDelivrerToHost},
 * {@link org.jamesexim.mailets.dsn.DsnInfoProviderLoader}), javax.mail's SMTP client that notes what the remote host
 * said and bounds its replies ({@link org.jamesexim.mailets.dsn.DsnInfoSmtpTransport}), and the attempt it notes
 * them into ({@link org.jamesexim.mailets.dsn.DsnInfoRecording}). Nothing here is named in a configuration file but
 * the javax.mail provider list {@code dsn-info.javax.mail.Provider} next to these classes.
 */
package org.jamesexim.mailets.dsn;
