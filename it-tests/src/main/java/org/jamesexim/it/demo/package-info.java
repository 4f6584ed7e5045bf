/**
 * The demo laid over james-config/ by {@code ./run-james}: a local MX, an ARC key and the DNS that publishes it.
 */
package org.jamesexim.it.demo;
