package org.jamesexim.bmi;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.jamesexim.common.Endpoint;

/**
 * BMI verdicts from Rspamd: one {@code /checkv2} request per opt-in profile.
 *
 * <p>Rspamd gives one result per request, never one per recipient, so the recipients are grouped by their opt-in
 * profile ({@link BmiOptin#profile()}); each group is sent with all its recipients as {@code Rcpt:} headers and, when
 * the profile is not empty, {@code Settings-ID: <profile>} (define a settings rule with that {@code id} in Rspamd; an
 * unknown id is ignored by Rspamd, which then uses its defaults). The result's action and score become the group's
 * verdict through the {@link BmiActionTable}; the symbols are the rules fired, and a symbol listed in
 * {@code ruleIds} also fires that numeric rule id.</p>
 *
 * <p>Any failure (refused, timeout, non-200, unparseable reply, or a {@code tempfail} decision such as Rspamd's
 * {@code soft reject}) fails the whole scan with {@link BmiEngineException}, as any BMI SDK error gives no verdicts
 * in Exim; the remaining groups are not tried. One scan (all its groups: connects, requests, replies) ends by one
 * deadline, {@code scanTimeout} after it started; each request is also bounded by {@code timeout}. Thread-safe;
 * {@link #close()} stops the timeout watchdog thread.</p>
 */
public final class RspamdEngine implements BmiEngine, AutoCloseable {
    private final RspamdClient client;
    private final BmiActionTable actions;
    private final Map<String, Integer> ruleIds;
    private final ScheduledExecutorService watchdog;
    private final Duration scanTimeout;

    private RspamdEngine(Builder b) {
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bmi-rspamd-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.client = new RspamdClient(b.endpoint, b.connectTimeout, b.timeout, b.path, watchdog);
        this.actions = b.actions;
        this.ruleIds = Collections.unmodifiableMap(new LinkedHashMap<>(b.ruleIds));
        this.scanTimeout = b.scanTimeout;
    }

    public static Builder builder(Endpoint endpoint) {
        return new Builder(endpoint);
    }

    @Override
    public BmiVerdicts scan(BmiMessage message) throws BmiEngineException {
        List<BmiVerdict> verdicts = new ArrayList<>();
        long deadline = System.nanoTime() + scanTimeout.toNanos();
        for (Map.Entry<BmiOptin, List<String>> group : message.recipientsByProfile().entrySet()) {
            String profile = group.getKey().profile();
            RspamdResult result;
            try {
                if (System.nanoTime() - deadline >= 0) {
                    throw new SocketTimeoutException("no time left for this group");
                }
                result = client.check(headers(message, profile, group.getValue()), message.content(), deadline);
            } catch (IOException e) {
                boolean late = System.nanoTime() - deadline >= 0;
                throw new BmiEngineException("rspamd scan failed (profile '" + profile + "', " + group.getValue().size()
                    + " recipients): " + (late ? "scan_timeout of " + scanTimeout.toMillis() + " ms passed: " : "")
                    + e.getMessage(), e);
            }
            BmiActionTable.Decision d = actions.decide(result.action(), result.score());
            switch (d.kind()) {
                case TEMPFAIL:
                    throw new BmiEngineException("rspamd said '" + result.action() + "'"
                        + (result.smtpMessage().isEmpty() ? "" : " (" + result.smtpMessage() + ")") + " for profile '" + profile + "'");
                case NONE:
                    continue;
                default:
                    verdicts.add(toVerdict(result, d, profile, group.getValue()));
            }
        }
        return BmiVerdicts.of(verdicts);
    }

    private BmiVerdict toVerdict(RspamdResult result, BmiActionTable.Decision d, String profile, List<String> recipients) {
        BmiVerdict.Builder v = BmiVerdict.builder()
            .outcome(d.outcome())
            .altLocation(d.altLocation())
            .action(result.action())
            .score(result.score())
            .profile(profile)
            .rules(result.symbols().keySet())
            .recipients(recipients);
        for (String symbol : result.symbols().keySet()) {
            Integer id = ruleIds.get(symbol);
            if (id != null) {
                v.ruleId(id);
            }
        }
        return v.build();
    }

    static Map<String, List<String>> headers(BmiMessage m, String profile, List<String> recipients) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("IP", List.of(m.clientIp()));
        // always send Hostname: without it Rspamd does its own PTR lookup (0.5 s per message in the research runs)
        h.put("Hostname", List.of(m.clientHostname() == null || m.clientHostname().isEmpty() ? "unknown" : m.clientHostname()));
        if (m.helo() != null && !m.helo().isEmpty()) {
            h.put("Helo", List.of(m.helo()));
        }
        if (!m.sender().isEmpty()) {
            h.put("From", List.of(m.sender()));
        }
        h.put("Rcpt", recipients);
        if (m.queueId() != null && !m.queueId().isEmpty()) {
            h.put("Queue-Id", List.of(m.queueId()));
        }
        if (m.authenticatedUser() != null && !m.authenticatedUser().isEmpty()) {
            h.put("User", List.of(m.authenticatedUser()));
        }
        if (!profile.isEmpty()) {
            h.put("Settings-ID", List.of(profile));
        }
        return h;
    }

    public Endpoint endpoint() {
        return client.endpoint();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final Endpoint endpoint;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration timeout = Duration.ofSeconds(10);
        private Duration scanTimeout = Duration.ofSeconds(30);
        private String path = "/checkv2";
        private BmiActionTable actions = BmiActionTable.defaults();
        private final Map<String, Integer> ruleIds = new LinkedHashMap<>();

        private Builder(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** Connect timeout, default 2 s. */
        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        /** Whole-request timeout, default 10 s (keep it above Rspamd's task_timeout, 8 s by default). */
        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        /** Deadline for the whole scan of one message (every group's connect, request and reply), default 30 s. */
        public Builder scanTimeout(Duration v) {
            scanTimeout = v;
            return this;
        }

        /** Request path, default {@code /checkv2}. */
        public Builder path(String v) {
            path = v;
            return this;
        }

        public Builder actions(BmiActionTable v) {
            actions = Objects.requireNonNull(v);
            return this;
        }

        /** Numeric rule ids for symbols ({@code bmi_rule = 5:8:11}), e.g. {@code BMI_TEST_MARKER -> 5}. */
        public Builder ruleIds(Map<String, Integer> v) {
            ruleIds.putAll(v);
            return this;
        }

        /**
         * Parses {@code SYMBOL=5, OTHER=8}.
         *
         * @throws IllegalArgumentException naming the bad entry
         */
        public static Map<String, Integer> parseRuleIds(String text) {
            Map<String, Integer> out = new LinkedHashMap<>();
            if (text == null) {
                return out;
            }
            for (String raw : text.split("[,\\s]+")) {
                if (raw.isEmpty()) {
                    continue;
                }
                int eq = raw.indexOf('=');
                try {
                    int id = Integer.parseInt(raw.substring(eq + 1).trim());
                    if (eq <= 0 || id <= 0) {
                        throw new NumberFormatException();
                    }
                    out.put(raw.substring(0, eq).trim(), id);
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("bad rule id '" + raw + "': expected SYMBOL=<number > 0>");
                }
            }
            return out;
        }

        public RspamdEngine build() {
            if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()
                || scanTimeout.isNegative() || scanTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            return new RspamdEngine(this);
        }
    }
}
