/**
 * WebAdmin route of DCC: {@code POST /dcc/check} asks the configured dccifd about a message.
 */
package org.jamesexim.operations.dcc;
