/**
 * Lexing shared by the pack's readers of message header fields (RFC 5322 comments and quoted strings); linear, no
 * James types.
 */
package org.jamesexim.common.mail;
