package org.jamesexim.dsn;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The body of an RFC 3464 {@code message/delivery-status} part for failed recipients, with Exim's DSN extra
 * information when asked for.
 *
 * <p>Per message: {@code Original-Envelope-Id} (when the sender gave ENVID), {@code Reporting-MTA},
 * {@code Received-From-MTA}, {@code Arrival-Date}. Per recipient, in this order: {@code Original-Recipient} (when
 * the sender gave ORCPT), {@code Final-Recipient}, {@code Action: failed}, {@code Status} (an x.y.z code,
 * never text), {@code Remote-MTA: dns; name}, then with DSN info on {@code Remote-MTA: X-ip; [ip]:port},
 * {@code X-Remote-MTA-smtp-greeting: X-str; ...}, {@code X-Remote-MTA-helo-response: X-str; ...} and the
 * diagnostic field ({@value #DEFAULT_DIAGNOSTIC_FIELD} unless renamed), then {@code Diagnostic-Code} and
 * {@code Last-Attempt-Date}. A field whose value is unknown or empty is left out. Every value is cleaned and
 * folded by {@link HeaderValues}. Lines end in CRLF. Immutable once built.</p>
 */
public final class DeliveryStatusReport {
    /** The name of our equivalent of Exim's {@code X-Exim-Diagnostic}. */
    public static final String DEFAULT_DIAGNOSTIC_FIELD = "X-James-Exim-Diagnostic";
    /** Beyond this, {@code Diagnostic-Code} is cut and ends in {@code [truncated]} (as Exim does). */
    public static final int DIAGNOSTIC_CODE_MAX = 950;
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final String text;

    private DeliveryStatusReport(String text) {
        this.text = text;
    }

    public static Builder builder(String reportingMta) {
        return new Builder(reportingMta);
    }

    /** The part body, CRLF line ends, ending with a blank line after the last recipient group. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Collects the per-message fields and one group per failed recipient. Not thread-safe; build once. */
    public static final class Builder {
        private final String reportingMta;
        private String envelopeId;
        private String receivedFromMta;
        private ZonedDateTime arrivalDate;
        private boolean dsnInfo;
        private String diagnosticField = DEFAULT_DIAGNOSTIC_FIELD;
        private final List<String> groups = new ArrayList<>();

        private Builder(String reportingMta) {
            this.reportingMta = Objects.requireNonNull(reportingMta, "reportingMta");
        }

        /** The sender's ENVID (RFC 3461), written as {@code Original-Envelope-Id}; null for none. */
        public Builder envelopeId(String envid) {
            this.envelopeId = envid;
            return this;
        }

        public Builder receivedFromMta(String name) {
            this.receivedFromMta = name;
            return this;
        }

        public Builder arrivalDate(ZonedDateTime date) {
            this.arrivalDate = date;
            return this;
        }

        /** Whether to write the X-ip, greeting, helo-response and diagnostic fields (Exim's DSN_INFO). */
        public Builder dsnInfo(boolean on) {
            this.dsnInfo = on;
            return this;
        }

        /** Renames the diagnostic field; must be a valid field name starting with {@code X-}. */
        public Builder diagnosticField(String name) {
            if (name == null || !name.startsWith("X-") || !FIELD_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("diagnostic field name must be a header field name starting with X-: " + name);
            }
            this.diagnosticField = name;
            return this;
        }

        /**
         * Adds a failed recipient.
         *
         * @param recipient the final recipient address
         * @param remoteMta the server of the last attempt, or null when none was reached
         * @param failure that server's error and the command it answered, or null
         * @param otherDiagnostic the error text when there is no SMTP failure (e.g. "no MX found"), or null
         * @param lastAttempt when the last attempt was made, or null
         */
        public Builder failed(String recipient, RemoteMta remoteMta, SmtpFailure failure, String otherDiagnostic,
                              ZonedDateTime lastAttempt) {
            return failed(null, recipient, remoteMta, failure, otherDiagnostic, lastAttempt);
        }

        /**
         * Adds a failed recipient that the sender named with ORCPT (RFC 3461), written first as
         * {@code Original-Recipient: rfc822; <originalRecipient>}; null for none.
         */
        public Builder failed(String originalRecipient, String recipient, RemoteMta remoteMta, SmtpFailure failure,
                              String otherDiagnostic, ZonedDateTime lastAttempt) {
            Objects.requireNonNull(recipient, "recipient");
            StringBuilder g = new StringBuilder();
            if (originalRecipient != null && !HeaderValues.firstLine(originalRecipient, 512).isEmpty()) {
                line(g, HeaderValues.fold("Original-Recipient", "rfc822; " + HeaderValues.firstLine(originalRecipient, 512)));
            }
            line(g, HeaderValues.fold("Final-Recipient", "rfc822; " + HeaderValues.firstLine(recipient, 512)));
            line(g, "Action: failed");
            line(g, "Status: " + (failure != null ? failure.failedStatus() : "5.0.0"));
            if (remoteMta != null) {
                remoteMta.hostName().map(h -> HeaderValues.firstLine(h, 255)).filter(h -> !h.isEmpty())
                    .ifPresent(h -> line(g, "Remote-MTA: dns; " + h));
                if (dsnInfo) {
                    line(g, "Remote-MTA: X-ip; " + remoteMta.xIp());
                    xStr(g, "X-Remote-MTA-smtp-greeting", remoteMta.greeting().orElse(null));
                    xStr(g, "X-Remote-MTA-helo-response", remoteMta.heloResponse().orElse(null));
                }
            }
            if (failure != null) {
                if (dsnInfo) {
                    String diag = HeaderValues.multiLine(failure.diagnostic());
                    if (!diag.isEmpty()) {
                        line(g, HeaderValues.fold(diagnosticField, "X-str; " + diag));
                    }
                }
                diagnosticCode(g, "smtp", failure.reply());
            } else if (otherDiagnostic != null) {
                diagnosticCode(g, "X-James", otherDiagnostic);
            }
            if (lastAttempt != null) {
                line(g, "Last-Attempt-Date: " + DATE.format(lastAttempt));
            }
            groups.add(g.toString());
            return this;
        }

        public DeliveryStatusReport build() {
            StringBuilder out = new StringBuilder();
            if (envelopeId != null && !HeaderValues.firstLine(envelopeId, 100).isEmpty()) {
                line(out, "Original-Envelope-Id: " + HeaderValues.firstLine(envelopeId, 100));
            }
            line(out, "Reporting-MTA: dns; " + HeaderValues.firstLine(reportingMta, 255));
            if (receivedFromMta != null && !HeaderValues.firstLine(receivedFromMta, 255).isEmpty()) {
                line(out, "Received-From-MTA: dns; " + HeaderValues.firstLine(receivedFromMta, 255));
            }
            if (arrivalDate != null) {
                line(out, "Arrival-Date: " + DATE.format(arrivalDate));
            }
            for (String g : groups) {
                out.append("\r\n").append(g);
            }
            return new DeliveryStatusReport(out.toString());
        }

        private static void xStr(StringBuilder g, String name, String raw) {
            String v = HeaderValues.firstLine(raw, HeaderValues.SHORT_VALUE_MAX);
            if (!v.isEmpty()) {
                line(g, HeaderValues.fold(name, "X-str; " + v));
            }
        }

        private static void diagnosticCode(StringBuilder g, String type, String raw) {
            String v = HeaderValues.multiLine(raw);
            if (v.isEmpty()) {
                return;
            }
            if (v.length() > DIAGNOSTIC_CODE_MAX) {
                v = v.substring(0, DIAGNOSTIC_CODE_MAX) + " [truncated]";
            }
            line(g, "Diagnostic-Code: " + type + "; " + v.replace("\n", "\r\n "));
        }

        private static void line(StringBuilder b, String fieldText) {
            b.append(fieldText).append("\r\n");
        }
    }
}
