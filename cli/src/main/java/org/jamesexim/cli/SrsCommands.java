package org.jamesexim.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.jamesexim.srs.SrsConfig;

/** Option parsing shared by {@code srs-forward} and {@code srs-reverse}. */
final class SrsCommands {
    static final Set<String> FLAGS = Set.of("always-rewrite", "json");
    static final Set<String> VALUED = Set.of("secret", "hashlength", "hashmin", "maxage", "separator", "alias", "now-day", "format",
        "hash-alphabet");

    private SrsCommands() {
    }

    static Args parse(List<String> argv) {
        Args a = Args.parse(argv, FLAGS, VALUED);
        if (a.positional().isEmpty()) {
            throw new UsageException("the address is missing (it is the last argument)");
        }
        if (a.positional().size() > 1) {
            throw new UsageException("only one address, as the last argument; got " + a.positional().size());
        }
        if (a.all("secret").isEmpty()) {
            throw new UsageException("--secret is required (repeat it for old secrets; the first signs)");
        }
        String format = a.get("format", "srs");
        if (!format.equals("srs") && !format.equals("exim")) {
            throw new UsageException("--format must be srs (Mail::SRS, the default) or exim (Exim's native SRS), not '" + format + "'");
        }
        return a;
    }

    static boolean exim(Args a) {
        return a.get("format", "srs").equals("exim");
    }

    static SrsConfig config(Args a) {
        try {
            SrsConfig.Builder b = SrsConfig.builder().secrets(a.all("secret"));
            Integer hl = a.getInt("hashlength", null);
            if (hl != null) {
                b.hashLength(hl);
            }
            b.hashMin(a.getInt("hashmin", null));
            Integer maxAge = a.getInt("maxage", null);
            if (maxAge != null) {
                b.maxAge(maxAge);
            }
            if (a.has("separator")) {
                b.separator(a.get("separator", "="));
            }
            b.alwaysRewrite(a.has("always-rewrite"));
            if (a.has("hash-alphabet")) {
                b.hashAlphabet(SrsConfig.HashAlphabet.parse(a.get("hash-alphabet", "base64")));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Noon UTC of --now-day, else the system clock. */
    static Clock clock(Args a) {
        Long day = a.getLong("now-day", null);
        if (day == null) {
            return Clock.systemUTC();
        }
        return Clock.fixed(Instant.ofEpochSecond(day * 86400 + 43200), ZoneOffset.UTC);
    }

    static String secretForExim(Args a) {
        if (a.all("secret").size() > 1) {
            throw new UsageException("--format exim takes one --secret (Exim's native SRS has no secret list)");
        }
        return a.all("secret").get(0);
    }
}
