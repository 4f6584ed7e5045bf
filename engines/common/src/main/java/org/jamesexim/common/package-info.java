/** Plain-Java pieces shared by the engines: service endpoints and timeouts. No James types. */
package org.jamesexim.common;
