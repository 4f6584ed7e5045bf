/**
 * James health checks of the pack's peers: Dovecot's auth service, Rspamd, dccifd, the SRS database and the ARC
 * signing key; each one answers within its own deadline.
 */
package org.jamesexim.operations.health;
