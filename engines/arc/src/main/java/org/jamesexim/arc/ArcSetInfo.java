package org.jamesexim.arc;

/**
 * What one ARC set (instance) says: the sealer's d= and s=, its cv=, the AAR's authserv-id and the
 * ARC-Message-Signature's s= (Exim's {@code header.s=}). Immutable.
 */
public final class ArcSetInfo {
    private final int instance;
    private final String domain;
    private final String selector;
    private final String cv;
    private final String aarAuthservId;
    private final String amsSelector;

    public ArcSetInfo(int instance, String domain, String selector, String cv, String aarAuthservId) {
        this(instance, domain, selector, cv, aarAuthservId, "");
    }

    public ArcSetInfo(int instance, String domain, String selector, String cv, String aarAuthservId,
            String amsSelector) {
        this.instance = instance;
        this.domain = domain;
        this.selector = selector;
        this.cv = cv;
        this.aarAuthservId = aarAuthservId;
        this.amsSelector = amsSelector;
    }

    public int instance() {
        return instance;
    }

    /** The ARC-Seal's d= (empty if it could not be read). */
    public String domain() {
        return domain;
    }

    /** The ARC-Seal's s= (empty if it could not be read). */
    public String selector() {
        return selector;
    }

    /** The ARC-Seal's cv= as written (empty if absent). */
    public String cv() {
        return cv;
    }

    /** The authserv-id of this set's ARC-Authentication-Results (empty if unreadable). */
    public String aarAuthservId() {
        return aarAuthservId;
    }

    /**
     * The ARC-Message-Signature's s= (empty if it could not be read or is not a well-formed selector): what Exim
     * writes as {@code header.s=} in its {@code arc=} result.
     */
    public String amsSelector() {
        return amsSelector;
    }

    @Override
    public String toString() {
        return "i=" + instance + " d=" + domain + " s=" + selector + " cv=" + cv;
    }
}
