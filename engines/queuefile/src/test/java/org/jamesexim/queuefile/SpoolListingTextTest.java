package org.jamesexim.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The text forms of {@link SpoolListing} show what a client or a scanner wrote as escapes, one line per value. */
class SpoolListingTextTest {
    static final String FORGED = "a@b.example>\r\nFAKE 1 <admin@example.test\u001b[2J\u0000\u00e9";

    @Test
    void aListLineCannotBeBrokenOrColouredByASender() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", "1abcde-000001-AB");
        entry.put("size", 12);
        entry.put("sender", FORGED);
        entry.put("recipients", List.of("x@example.test\nFAKE", "y@example.test"));
        String line = SpoolListing.line(entry);
        assertThat(line).doesNotContain("\r", "\n", "\u001b", "\u0000", "\u00e9")
            .isEqualTo("1abcde-000001-AB 12 <a@b.example>\\r\\nFAKE 1 <admin@example.test\\x1b[2J\\x00\\u00e9> x@example.test\\nFAKE y@example.test");
    }

    @Test
    void everyShownValueOfADetailIsEscapedAndBounded() {
        Map<String, Object> d = new LinkedHashMap<>();
        for (String k : List.of("id", "size", "name", "sender", "remote_addr", "remote_host", "helo", "auth_user", "received", "state",
            "error_message", "dsn_envid", "dsn_ret")) {
            d.put(k, FORGED);
        }
        d.put("recipients", List.of(FORGED));
        d.put("per_recipient_headers", Map.of(FORGED, List.of(FORGED)));
        d.put("attributes", Map.of(FORGED, FORGED));
        d.put("unrepresented_attributes", List.of(FORGED));
        List<String> lines = SpoolListing.lines(d);
        assertThat(lines).hasSize(14).allSatisfy(l -> assertThat(l).doesNotContain("\r", "\n", "\u001b", "\u0000"));
        assertThat(lines).contains("sender: <a@b.example>\\r\\nFAKE 1 <admin@example.test\\x1b[2J\\x00\\u00e9>",
            "remote: a@b.example>\\r\\nFAKE 1 <admin@example.test\\x1b[2J\\x00\\u00e9 (a@b.example>\\r\\nFAKE 1 <admin@example.test\\x1b[2J\\x00\\u00e9) helo "
                + "a@b.example>\\r\\nFAKE 1 <admin@example.test\\x1b[2J\\x00\\u00e9");

        d.put("error_message", "x".repeat(3 * 1024 * 1024));
        String error = SpoolListing.lines(d).stream().filter(l -> l.startsWith("error message: ")).findFirst().orElseThrow();
        assertThat(error.length()).isLessThan(SpoolListing.SHOWN_MAX + 100);
        assertThat(error).endsWith("more)");
    }
}
