package org.jamesexim.common.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile and large lookup files: parsing gives a table or an IllegalArgumentException naming the source, nothing
 * else, and finishes (one linear pass); a table answers every key without throwing.
 */
class FileTableFuzzTest {
    private static void parses(String text) {
        FileTable t;
        try {
            t = FileTable.parse("fuzz.txt", text, v -> v.indexOf('\u0000') >= 0 ? "NUL in value" : null);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("fuzz.txt");
            return;
        }
        for (String k : List.of("a", "user@example.org", "*", "", "x".repeat(300), "\"q\"", "mout.gmx.net")) {
            String v = t.get(k);
            if (v != null) {
                assertThat(v.length()).isLessThanOrEqualTo(Lookup.MAX_VALUE_CHARS);
            }
        }
    }

    @Provide
    Arbitrary<String> pieces() {
        return Arbitraries.oneOf(
            Arbitraries.of("a", "user@example.org", "*", "*.gmx.net", "*@example.org", "\"", "\\", ":", " ", "\t", "\n", "\r\n", "\r",
                "#", "^", "\u0000", "\u00e9", "\ud83d\ude00", "\ud800", "\"k\\\"", "key: value\n", "  more\n"),
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.strings().withChars("ab:*\" \t\n\\#").ofMaxLength(200));
    }

    @Property(tries = 300)
    void randomTextsOfPiecesParseOrAreRefusedByName(@ForAll("texts") String text) {
        parses(text);
    }

    @Provide
    Arbitrary<String> texts() {
        return pieces().list().ofMaxSize(400).map(l -> String.join("", l));
    }

    @Property(tries = 12)
    void multiMebibyteHostileFilesFinish(@ForAll("big") String text) {
        parses(text);
    }

    @Provide
    Arbitrary<String> big() {
        int mib = 1 << 20;
        return Arbitraries.of(
            "a: " + "v".repeat(4 * mib),                                        // one huge value line
            "\"" + "k".repeat(4 * mib),                                         // an unclosed quoted key
            "k".repeat(4 * mib) + ": v",                                        // one huge key
            "\"" + "\\\"".repeat(2 * mib) + "\": v",                            // a key of escapes
            "a: x\n" + " y\n".repeat(mib),                                      // many continuation lines
            "\n".repeat(4 * mib),                                               // only line ends
            "*a: 1\n".repeat(mib / 2),                                          // many patterns
            repeatLengths(),                                                    // 256 pattern lengths
            ":".repeat(4 * mib),
            "\r".repeat(4 * mib),
            "# c\n".repeat(mib),
            "k" + "\t".repeat(4 * mib) + "v");
    }

    /** Patterns of every length up to the key limit, one line each, many times: lookups try each length once. */
    private static String repeatLengths() {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 200; r++) {
            for (int l = 1; l < Lookup.MAX_KEY_CHARS; l++) {
                sb.append('*').append("x".repeat(l - 1)).append(r).append(": v\n");
            }
        }
        return sb.toString();
    }
}
