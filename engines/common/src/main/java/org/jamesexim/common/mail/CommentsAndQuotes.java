package org.jamesexim.common.mail;

/**
 * The one RFC 5322 lexing state the pack's header readers share (ARC's Authentication-Results, DMARC's From): fed one
 * character at a time, it says whether the character is outside comments ({@code (...)}, nested, with
 * {@code \}-escapes) and quoted strings ({@code "..."}, with {@code \}-escapes). The characters that open, close or
 * are escaped inside a comment or quoted string are not outside. Constant memory, one step per character: a reader
 * built on it stays linear whatever the sender wrote. Not thread-safe: one per pass.
 */
public final class CommentsAndQuotes {
    private int depth;
    private boolean quoted;
    private boolean escaped;

    /** Feeds {@code c}; true when it stands outside every comment and quoted string (the reader's own syntax). */
    public boolean outside(char c) {
        if (escaped) {
            escaped = false;
            return false;
        }
        if (quoted) {
            if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                quoted = false;
            }
            return false;
        }
        if (depth > 0) {
            if (c == '\\') {
                escaped = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            return false;
        }
        if (c == '"') {
            quoted = true;
            return false;
        }
        if (c == '(') {
            depth = 1;
            return false;
        }
        return true;
    }
}
