package org.jamesexim.it;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The class path for a separate James JVM that must see the pack ONLY through {@code extensions-jars/}: this JVM's
 * class path without our modules (reactor target folders or installed jars) and without test classes.
 */
public final class DropInClasspath {
    private DropInClasspath() {
    }

    /** {@code java.class.path} of this JVM, less every entry that {@link #isPackEntry} names. */
    public static String withoutPack() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !isPackEntry(e))
            .collect(Collectors.joining(File.pathSeparator));
    }

    /** Our modules (as reactor target dirs or installed jars) and test classes. */
    public static boolean isPackEntry(String entry) {
        String e = entry.replace('\\', '/');
        return e.contains("jexim-mailets") || e.contains("jexim-matchers") || e.contains("jexim-smtp-hooks") || e.contains("jexim-operations")
            || e.endsWith("/operations/target/classes")
            || e.contains("jexim-engine-") || e.contains("james-exim-pack") || e.contains("james-exim-cli")
            || e.endsWith("/mailets/target/classes") || e.endsWith("/matchers/target/classes")
            || e.endsWith("/smtp-hooks/target/classes") || e.contains("/engines/") || e.endsWith("/pack/target/classes")
            || e.contains("/test-classes");
    }
}
