package org.jamesexim.arc;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The outcome of {@link ArcSealer#seal}: the three new header fields, or why nothing was added. Immutable. */
public final class ArcSealResult {
    private final boolean sealed;
    private final String reason;
    private final int instance;
    private final String cv;
    private final HeaderField aar;
    private final HeaderField ams;
    private final HeaderField as;

    private ArcSealResult(boolean sealed, String reason, int instance, String cv, HeaderField aar, HeaderField ams,
                          HeaderField as) {
        this.sealed = sealed;
        this.reason = reason;
        this.instance = instance;
        this.cv = cv;
        this.aar = aar;
        this.ams = ams;
        this.as = as;
    }

    static ArcSealResult sealed(int instance, String cv, HeaderField aar, HeaderField ams, HeaderField as) {
        return new ArcSealResult(true, "", instance, cv, aar, ams, as);
    }

    static ArcSealResult notSealed(String reason) {
        return new ArcSealResult(false, reason, 0, "", null, null, null);
    }

    public boolean sealed() {
        return sealed;
    }

    /** Why the message was not sealed (empty when it was). */
    public String reason() {
        return reason;
    }

    public int instance() {
        return instance;
    }

    /** The cv= written into the new seal. */
    public String cv() {
        return cv;
    }

    public HeaderField arcAuthenticationResults() {
        return aar;
    }

    public HeaderField arcMessageSignature() {
        return ams;
    }

    public HeaderField arcSeal() {
        return as;
    }

    /** The new fields in the order they go on top of the message: ARC-Seal, ARC-Message-Signature, AAR. */
    public List<HeaderField> fields() {
        return sealed ? Arrays.asList(as, ams, aar) : Collections.emptyList();
    }

    /** The sealed message (the input unchanged when nothing was sealed). */
    public byte[] applyTo(MailMessage message) {
        return sealed ? message.prepend(fields()) : message.data();
    }
}
