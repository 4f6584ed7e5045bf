/**
 * ARC (RFC 8617) verification and sealing, and the Authentication-Results (RFC 8601) reading they need: the chain
 * model, canonicalization, key lookup over an injected TXT resolver with one deadline, and Exim's state, reasons and
 * domains. Plain Java with Bouncy Castle and dnsjava, no James types; results immutable.
 */
package org.jamesexim.arc;
