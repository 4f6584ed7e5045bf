package org.jamesexim.cli;

import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.jamesexim.srs.SrsConfig;
import org.jamesexim.srs.SrsSecrets;

/** Option parsing shared by {@code srs-forward} and {@code srs-reverse}. */
final class SrsCommands {
    static final Set<String> FLAGS = Set.of("always-rewrite", "json");
    static final Set<String> VALUED = Set.of("secret", "secrets-file", "hashlength", "hashmin", "maxage", "separator", "alias", "now-day", "format",
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
        boolean inArgv = !a.all("secret").isEmpty();
        if (inArgv == a.has("secrets-file")) {
            throw new UsageException("give the secrets once: --secrets-file FILE (the mailets' secretsFile: one a line, the first signs,"
                + " mode 0600) or --secret S (repeat it for old secrets; other users see it in the process list)");
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
            SrsConfig.Builder b = SrsConfig.builder().secrets(secrets(a));
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

    /**
     * The secrets of {@code --secrets-file} (read as the mailets read {@code secretsFile}: refused when others may read
     * it; never shown) or of the {@code --secret} options.
     */
    static List<String> secrets(Args a) {
        if (!a.has("secrets-file")) {
            return a.all("secret");
        }
        try {
            return SrsSecrets.readFile("--secrets-file", Paths.get(a.get("secrets-file", "")));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static String secretForExim(Args a) {
        List<String> secrets = secrets(a);
        if (secrets.size() > 1) {
            throw new UsageException("--format exim takes one secret (Exim's native SRS has no secret list)");
        }
        return secrets.get(0);
    }
}
