package org.jamesexim.common.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What stands outside comments and quoted strings, the state ARC's and DMARC's header readers share. */
class CommentsAndQuotesTest {
    private static String outside(String s) {
        CommentsAndQuotes l = new CommentsAndQuotes();
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (l.outside(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Test
    void commentsNestAndQuotedStringsEscape() {
        assertThat(outside("a (b (c) d) e")).isEqualTo("a  e");
        assertThat(outside("\"x;y\\\" z\";w")).isEqualTo(";w");
        assertThat(outside("(a \\) still) b")).isEqualTo(" b");
        assertThat(outside("\"(not a comment)\" (\"not a quote) c")).isEqualTo("  c");
        assertThat(outside("x\\;y")).as("an escape outside both is an ordinary character").isEqualTo("x\\;y");
    }

    @Test
    void anUnclosedCommentOrQuoteSwallowsTheRest() {
        assertThat(outside("a (b; c")).isEqualTo("a ");
        assertThat(outside("a \"b; c")).isEqualTo("a ");
        assertThat(outside("((((((((((x")).isEmpty();
    }
}
