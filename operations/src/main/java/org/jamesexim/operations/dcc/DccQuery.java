package org.jamesexim.operations.dcc;

import org.jamesexim.dcc.DccSettings;

/** The configured dccifd settings with dccifd's {@code query} option added: asked, not counted as mail seen. */
public final class DccQuery {
    private DccQuery() {
    }

    public static DccSettings of(DccSettings s) {
        String options = (" " + s.options() + " ").contains(" query ") ? s.options() : (s.options() + " query").trim();
        return DccSettings.builder().address(s.address()).options(options).connectTimeout(s.connectTimeout()).timeout(s.timeout()).build();
    }
}
