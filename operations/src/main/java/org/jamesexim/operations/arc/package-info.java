/**
 * WebAdmin route of ARC: {@code POST /arc/verify} verifies a message as the configured ArcVerifyHook would.
 */
package org.jamesexim.operations.arc;
