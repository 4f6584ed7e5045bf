/**
 * A plain-Java client of the DCC interface daemon {@code dccifd} (its ASCII protocol, over a unix socket or TCP).
 *
 * <p>{@link org.jamesexim.dcc.DccClient} sends one message with its envelope and returns an immutable
 * {@link org.jamesexim.dcc.DccResult}: the overall reply byte, the per-recipient answers, the {@code X-DCC} header and
 * the outcome Exim's {@code dcc} ACL condition gives for it (accept, fail, defer). No James types.</p>
 */
package org.jamesexim.dcc;
