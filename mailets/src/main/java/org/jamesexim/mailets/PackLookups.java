package org.jamesexim.mailets;

import java.time.Duration;

import org.apache.james.filesystem.api.FileSystem;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupParams;
import org.slf4j.Logger;

/**
 * Opens a glue class's shared lookup ({@link LookupParams}) the one way the pack's mailets and hooks do: files as
 * {@link PackFiles} resolves them, secrets from the environment, a file looked at for changes every
 * {@link #RELOAD_INTERVAL}, its read and refusal lines on the class's own logger.
 */
public final class PackLookups {
    /** How often a lookup file is looked at for changes (the pack's default {@code reloadInterval}, docs/configuration.md). */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(5);

    private PackLookups() {
    }

    /**
     * The lookup the values give, or null when {@code <word>Lookup} is not set.
     *
     * @param fileSystem James's, or null (then {@code file://} is refused)
     * @param prefix starts each log line ({@code "DCC hook: "})
     * @throws IllegalArgumentException naming the parameter, never a password
     */
    public static Lookup open(LookupParams params, ParamValues values, FileSystem fileSystem, Lookup.ValueCheck check, Logger log,
                              String prefix) {
        return params.open(values, spec -> PackFiles.resolve(fileSystem, spec), System::getenv, RELOAD_INTERVAL, check,
            m -> log.info("{}{}", prefix, m), m -> log.warn("{}{}", prefix, m));
    }
}
