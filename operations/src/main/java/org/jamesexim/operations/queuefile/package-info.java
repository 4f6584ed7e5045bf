/**
 * WebAdmin routes and the requeue task of queuefile: list, show, delete and requeue what waits in the configured
 * directories.
 */
package org.jamesexim.operations.queuefile;
