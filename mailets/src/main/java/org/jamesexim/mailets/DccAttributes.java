package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/**
 * Mail attributes of the DCC feature, named after Exim's variables. Set by {@code org.jamesexim.smtp.DccHook} at end of
 * DATA and by the {@code org.jamesexim.matchers.Dcc} matcher (through {@link DccService#record}); the two
 * {@code acl_m_*} ones are read, set by an earlier hook or mailet (e.g. James's {@code SetMailAttribute}).
 */
public final class DccAttributes {
    /** Exim's {@code $dcc_result} (String): {@code A}, {@code R}, {@code G}, {@code T}, or empty when dccifd gave no answer. */
    public static final AttributeName DCC_RESULT = AttributeName.of("jexim.dcc_result");
    /** Exim's {@code $dcc_header} (String): the X-DCC header dccifd returned plus LF, or empty. */
    public static final AttributeName DCC_HEADER = AttributeName.of("jexim.dcc_header");
    /**
     * dccifd's per-recipient line (String): one of {@code A R G} per recipient of the mail, in its order (an {@code R}
     * under an overall {@code A} means "do not deliver to this one"), or empty. Exim has no such variable.
     */
    public static final AttributeName DCC_RECIPIENTS = AttributeName.of("jexim.dcc_recipients");
    /** Read: Exim's {@code $acl_m_dcc_override_client_ip} (String): an IP address sent to dccifd instead of the client's. */
    public static final AttributeName ACL_M_DCC_OVERRIDE_CLIENT_IP = AttributeName.of("jexim.acl_m_dcc_override_client_ip");
    /** Read: Exim's {@code $acl_m_dcc_add_header} (String): header lines added after the X-DCC header. */
    public static final AttributeName ACL_M_DCC_ADD_HEADER = AttributeName.of("jexim.acl_m_dcc_add_header");

    private DccAttributes() {
    }
}
