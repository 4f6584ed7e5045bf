/**
 * WebAdmin routes of SRS: {@code GET /srs/forward} and {@code GET /srs/reverse} with the configured secrets and database.
 */
package org.jamesexim.operations.srs;
