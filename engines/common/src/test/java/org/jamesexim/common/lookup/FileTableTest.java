package org.jamesexim.common.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The lsearch-like file format of the lookups: keys, comments, continuation, quoting, wildcards, limits, value checks. */
class FileTableTest {
    private static FileTable parse(String text) {
        return FileTable.parse("t.txt", text, null);
    }

    @Test
    void keyEndsAtColonOrBlankAndTheValueIsTrimmed() {
        FileTable t = parse("user@example.org: OPT1:OPT2\nmout.gmx.net 212.227.15.16\nbare\nspaced  :   v  \n");
        assertThat(t.get("user@example.org")).isEqualTo("OPT1:OPT2");
        assertThat(t.get("mout.gmx.net")).isEqualTo("212.227.15.16");
        assertThat(t.get("bare")).as("a key without a value has the empty value").isEqualTo("");
        assertThat(t.get("spaced")).isEqualTo("v");
        assertThat(t.get("other")).isNull();
        assertThat(t.size()).isEqualTo(4);
    }

    @Test
    void commentsBlankLinesAndCrlfAreSkipped() {
        FileTable t = parse("# a comment: not a key\r\n\r\n   \r\na: 1\r\n#b: 2\r\n");
        assertThat(t.get("a")).isEqualTo("1");
        assertThat(t.get("#b")).isNull();
        assertThat(t.get("# a comment")).isNull();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void aLineStartingWithABlankContinuesTheValueAbove() {
        FileTable t = parse("a: one\n  two\n\tthree\nb: x\n");
        assertThat(t.get("a")).isEqualTo("one two three");
        assertThat(t.get("b")).isEqualTo("x");
        assertThatThrownBy(() -> parse("# top\n  orphan\n")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("t.txt line 2: a continuation line (starting with a blank) without an entry above");
    }

    @Test
    void quotedKeysMayHoldBlanksColonsAndEscapes() {
        FileTable t = parse("\"a b: c\": v1\n\"q\\\"x\\\\y\" v2\n");
        assertThat(t.get("a b: c")).isEqualTo("v1");
        assertThat(t.get("q\"x\\y")).isEqualTo("v2");
        assertThatThrownBy(() -> parse("ok: 1\n\"open: v\n")).hasMessage("t.txt line 2: the quoted key has no closing \"");
        assertThatThrownBy(() -> parse("\"\": v\n")).hasMessageStartingWith("t.txt line 1: no key");
        assertThatThrownBy(() -> parse(": v\n")).hasMessageStartingWith("t.txt line 1: no key");
    }

    @Test
    void keysAreCaseInsensitiveAndTheFirstLineOfAKeyWins() {
        FileTable t = parse("User@Example.ORG: first\nuser@example.org: second\n");
        assertThat(t.get("USER@example.org")).isEqualTo("first");
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void wildcardsMatchSuffixesTheKeysOwnLineWinsThenTheLongestPattern() {
        FileTable t = parse("*: everyone\n*.gmx.net: gmx\n*.mail.gmx.net: mailgmx\nmout.gmx.net: own\n*@Example.org: domain\n");
        assertThat(t.get("mout.gmx.net")).isEqualTo("own");
        assertThat(t.get("a.mail.gmx.net")).isEqualTo("mailgmx");
        assertThat(t.get("b.gmx.net")).isEqualTo("gmx");
        assertThat(t.get("gmx.net")).as("*.gmx.net needs the dot").isEqualTo("everyone");
        assertThat(t.get("anyone@EXAMPLE.org")).isEqualTo("domain");
        assertThat(t.get("x@y")).isEqualTo("everyone");
        assertThat(parse("*.gmx.net: gmx\n").get("other.net")).isNull();
    }

    @Test
    void regexKeysAndStarsInsideKeysAreRefusedNamingTheLine() {
        assertThatThrownBy(() -> parse("a: 1\n^.*@example.org: x\n")).hasMessageStartingWith("t.txt line 2: ^regex keys are not supported");
        assertThatThrownBy(() -> parse("a*b: 1\n")).hasMessage("t.txt line 1: '*' is only allowed as the first character of a key");
    }

    @Test
    void limitsAreRefusedByNameAndLine() {
        String longKey = "k".repeat(Lookup.MAX_KEY_CHARS + 1);
        assertThatThrownBy(() -> parse("a: 1\n" + longKey + ": v\n"))
            .hasMessage("t.txt line 2: key longer than " + Lookup.MAX_KEY_CHARS + " characters");
        assertThat(parse("k".repeat(Lookup.MAX_KEY_CHARS) + ": v\n").get("k".repeat(Lookup.MAX_KEY_CHARS))).isEqualTo("v");
        String longValue = "v".repeat(Lookup.MAX_VALUE_CHARS + 1);
        assertThatThrownBy(() -> parse("a: " + longValue + "\n"))
            .hasMessage("t.txt line 1: value longer than " + Lookup.MAX_VALUE_CHARS + " characters");
        String half = "v".repeat(Lookup.MAX_VALUE_CHARS / 2);
        assertThatThrownBy(() -> parse("a: " + half + "\n " + half + "\n"))
            .as("continuation lines count").hasMessage("t.txt line 2: value longer than " + Lookup.MAX_VALUE_CHARS + " characters");
        String lines = "\n".repeat(FileTable.MAX_LINES) + "a: 1\n";
        assertThatThrownBy(() -> parse(lines)).hasMessage("t.txt: more than " + FileTable.MAX_LINES + " lines");
        assertThat(parse("\n".repeat(FileTable.MAX_LINES - 1) + "a: 1\n").get("a")).isEqualTo("1");
    }

    @Test
    void theValueCheckRefusesABadValueNamingTheLineOfItsKey() {
        Lookup.ValueCheck noBlanks = v -> v.contains(" ") ? "blanks are not allowed" : null;
        assertThat(FileTable.parse("t.txt", "a: ok\n", noBlanks).get("a")).isEqualTo("ok");
        assertThatThrownBy(() -> FileTable.parse("t.txt", "a: ok\nb: one\n  two\nc: ok\n", noBlanks))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("t.txt line 2: blanks are not allowed");
    }

    @Test
    void anEmptyTextIsAnEmptyTable() {
        assertThat(parse("").size()).isZero();
        assertThat(parse("\n\n# only comments\n").get("x")).isNull();
    }
}
