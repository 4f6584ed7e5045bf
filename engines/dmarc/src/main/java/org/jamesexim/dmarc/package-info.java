/**
 * DMARC (RFC 7489; the RFC 9989 DNS tree walk as an option) evaluated from the RFC5322.From domain, the SPF
 * result and domain and the DKIM results, with the ARC local policy of RFC 7489 §6.7 / RFC 8617 §7.2: plain Java,
 * no James types. {@link org.jamesexim.dmarc.DmarcVerifier} is the entry point; DNS goes through the ARC engine's
 * {@link org.jamesexim.arc.TxtResolver}s (same timeouts, same temperror).
 */
package org.jamesexim.dmarc;
