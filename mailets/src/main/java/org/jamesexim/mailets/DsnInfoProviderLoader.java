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
 * smtps. javax.mail 1.6.2 asks {@code ServiceLoader.load(javax.mail.Provider.class)} first (with the context class
 * loader) and takes the first provider of the protocol; our list is served under that name, first, only here, so
 * no other session in the JVM sees it,
 * and the transport class is found even when the pack sits in James's {@code extensions-jars/} (a child loader
 * that James's delivery threads do not use otherwise).
 */
final class DsnInfoProviderLoader extends ClassLoader {
    static final String PROVIDER_SERVICES = "META-INF/services/javax.mail.Provider";
    static final String OUR_PROVIDERS = "org/jamesexim/mailets/dsn-info.javax.mail.Provider";

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
        if (!PROVIDER_SERVICES.equals(name)) {
            return super.getResources(name);
        }
        // ours first: javax.mail takes the first provider of a protocol
        List<URL> urls = new ArrayList<>();
        urls.add(ourProviders);
        urls.addAll(Collections.list(super.getResources(name)));
        return Collections.enumeration(urls);
    }
}
