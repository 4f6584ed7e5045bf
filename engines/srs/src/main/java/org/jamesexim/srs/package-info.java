/**
 * SRS: Mail::SRS / postsrsd compatible SRS0/SRS1 forward and reverse, Exim's native format, secrets and their
 * rotation, domain lists, and database mode over JDBC with bounded calls and expiry. Plain Java, no James types.
 */
package org.jamesexim.srs;
