package org.jamesexim.mailets;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Set as the context class loader while {@link DsnInfoMailDelivrerToHost} delivers, so that javax.mail, which
 * finds its providers and their classes through that loader, makes {@link DsnInfoSmtpTransport}s for smtp and
 * smtps. Our providers file is served under javax.mail's name only here, so no other session in the JVM sees it,
 * and the transport class is found even when the pack sits in James's {@code extensions-jars/} (a child loader
 * that James's delivery threads do not use otherwise).
 */
final class DsnInfoProviderLoader extends ClassLoader {
    static final String JAVAMAIL_PROVIDERS = "META-INF/javamail.providers";
    static final String OUR_PROVIDERS = "org/jamesexim/mailets/dsn-info.javamail.providers";

    private final URL ourProviders;

    DsnInfoProviderLoader(ClassLoader parent) {
        super(parent);
        this.ourProviders = parent.getResource(OUR_PROVIDERS);
        if (ourProviders == null) {
            throw new IllegalStateException("resource " + OUR_PROVIDERS + " missing from the pack");
        }
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (!JAVAMAIL_PROVIDERS.equals(name)) {
            return super.getResources(name);
        }
        // ours first: javax.mail makes the first provider of a protocol the default one
        List<URL> urls = new ArrayList<>();
        urls.add(ourProviders);
        urls.addAll(Collections.list(super.getResources(name)));
        return Collections.enumeration(urls);
    }
}
