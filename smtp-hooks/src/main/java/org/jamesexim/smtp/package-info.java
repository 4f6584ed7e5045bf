/**
 * The SMTP hooks operators name in {@code smtpserver.xml}: ARC and DMARC at end of DATA, DCC, SRS bounces at RCPT,
 * Dovecot AUTH, the protocol-detail line and the pack's Received marker. Glue only: configuration in, engine call,
 * SMTP reply and attributes out.
 */
package org.jamesexim.smtp;
