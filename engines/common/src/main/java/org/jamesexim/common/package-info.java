/** Plain-Java pieces shared by the engines: service endpoints and timeouts (parameters: {@code org.jamesexim.common.config}). No James types. */
package org.jamesexim.common;
