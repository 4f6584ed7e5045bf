package org.jamesexim.mailets.dsn;

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
 * The list is looked up once: javax.mail asks for it on every {@code getTransport}, and each lookup otherwise
 * searches every JAR of James's class path (the class path does not change while James runs).
 */
final class DsnInfoProviderLoader extends ClassLoader {
    static final String PROVIDER_SERVICES = "META-INF/services/javax.mail.Provider";
    static final String OUR_PROVIDERS = "org/jamesexim/mailets/dsn/dsn-info.javax.mail.Provider";

    private final URL ourProviders;
    private volatile List<URL> providerServices;

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
        List<URL> urls = providerServices;
        if (urls == null) {
            // ours first: javax.mail takes the first provider of a protocol
            List<URL> found = new ArrayList<>();
            found.add(ourProviders);
            found.addAll(Collections.list(super.getResources(name)));
            urls = Collections.unmodifiableList(found);
            providerServices = urls;
        }
        return Collections.enumeration(urls);
    }
}
