package org.jamesexim.common;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random hostile text through {@link LogText#escape} and {@link HeaderText#of}: never an exception, printable ASCII
 * only, bounded; the log text reads back to exactly the input (or the part kept of it).
 */
class LogTextFuzzTest {
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
            Arbitraries.of("\r", "\n", "\r\n", "\t", "\u0000", "\u001b[31m", "\u007f", "\\", "\\n", "\\u00e9", "...(3 more)", "\u0085",
                "\u2028", "\u202e", "\u00e9", "\ud83d\ude00", "\ud800", "\udc00", "a", " ", "x=y"),
            Arbitraries.strings().ofMaxLength(30),
            Arbitraries.strings().all().ofMaxLength(30))
            .list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void logTextIsPrintableAsciiBoundedAndReadsBack(@ForAll("texts") String s, @ForAll @IntRange(min = -1, max = 200) int max) {
        String out = LogText.escape(s, max);
        assertThat(out).matches("[\\x20-\\x7e]*");
        int kept = Math.min(s.length(), Math.max(0, max));
        assertThat(out.length()).isLessThanOrEqualTo(10 * kept + 20);
        String body = out;
        if (kept < s.length()) {
            int mark = out.lastIndexOf("...(");
            assertThat(out.substring(mark)).matches("\\.\\.\\.\\(\\d+ more\\)");
            int more = Integer.parseInt(out.substring(mark + 4, out.length() - 6));
            body = out.substring(0, mark);
            assertThat(unescape(body) + s.substring(s.length() - more)).isEqualTo(s);
        } else {
            assertThat(unescape(body)).isEqualTo(s);
        }
    }

    @Property(tries = 500)
    void headerTextIsOneLineOfPrintableAsciiOfAtMostMax(@ForAll("texts") String s, @ForAll @IntRange(min = 3, max = 200) int max) {
        assertThat(HeaderText.of(s, max)).matches("([\\x21-\\x7e]+( [\\x21-\\x7e]+)*)?").hasSizeLessThanOrEqualTo(max);
    }

    /** The reading back the class comment promises, written out for the test. */
    private static String unescape(String e) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char k = e.charAt(++i);
            switch (k) {
                case '\\': sb.append('\\'); break;
                case 'r': sb.append('\r'); break;
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'x': sb.append((char) Integer.parseInt(e.substring(i + 1, i + 3), 16)); i += 2; break;
                case 'u': sb.append((char) Integer.parseInt(e.substring(i + 1, i + 5), 16)); i += 4; break;
                case 'U': sb.appendCodePoint(Integer.parseInt(e.substring(i + 1, i + 9), 16)); i += 8; break;
                default: throw new AssertionError("unknown escape \\" + k + " in " + e);
            }
        }
        return sb.toString();
    }
}
