package org.jamesexim.common.lookup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jamesexim.common.config.ParamSource;
import org.jamesexim.common.config.ParamValues;

/** Opens lookups from parameter maps as a component would (James's {@code file://} forms resolved under a directory). */
final class LookupFixtures {
    final List<String> info = new ArrayList<>();
    final List<String> warn = new ArrayList<>();
    final Path conf;
    final Map<String, String> env;

    LookupFixtures(Path conf, Map<String, String> env) {
        this.conf = conf;
        this.env = env;
    }

    Path file(String value) {
        return value.startsWith("file://conf/") ? conf.resolve(value.substring("file://conf/".length())) : Path.of(value.replaceFirst("^file:", ""));
    }

    ParamValues values(LookupParams p, Map<String, String> given) {
        return p.params().read(ParamSource.of(given));
    }

    Lookup open(LookupParams p, Map<String, String> given, Lookup.ValueCheck check) {
        return p.open(values(p, given), this::file, env::get, Duration.ZERO, check, info::add, warn::add);
    }
}
