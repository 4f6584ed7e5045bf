package org.jamesexim.mailets;

import org.apache.mailet.AttributeName;

/** Mail attributes of the pack's foundation pieces (the SMTP hook, matcher and mailet used by the smoke test). */
public final class PackAttributes {
    /**
     * Set by {@code org.jamesexim.smtp.PackReceivedHook} at end of DATA: the HELO/EHLO name the client gave (String).
     *
     * @deprecated James records the same name as {@code Mail.SMTP_HELO} ({@code mail.smtp.helo}) on every mail it
     *     receives over SMTP; the pack reads that. {@code jexim.smtp_helo} is still set for one release for those who
     *     read it, then goes.
     */
    @Deprecated
    public static final AttributeName SMTP_HELO = AttributeName.of("jexim.smtp_helo");

    private PackAttributes() {
    }
}
