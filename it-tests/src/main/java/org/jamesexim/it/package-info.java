/**
 * The real James 3.8.1 the tests and {@code ./run-james} boot ({@code JamesHarness}, {@code EmbeddedJames}, {@code DropInJames}) and the peers they talk to: SMTP and IMAP clients, a capturing SMTP server, the test's DNS in the JVM ({@code LocalDns}) or over UDP ({@code UdpDns}).
 */
package org.jamesexim.it;
