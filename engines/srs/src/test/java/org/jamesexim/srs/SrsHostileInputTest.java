package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzing the parsers of outside bytes (SRS0/SRS1 reverse, forward of any sender, Exim native inbound) with jqwik:
 * whatever comes in, they answer with a result of the protocol (rewritten / left as it was / refused; valid /
 * expired / bad hash / not SRS) and never throw; what forward emits is a valid address of at most 64 octets of local
 * part, and it reverses to the sender it came from; inputs of megabytes are refused by the length cap, and even with
 * the cap lifted they are parsed without error (the JMH benchmark {@code SrsHostileInputBenchmark} shows the time is
 * linear).
 */
class SrsHostileInputTest {
    static final String ALIAS = "fwd.example.net";
    static final SrsEngine ENGINE = new SrsEngine(SrsConfig.builder().secrets("property-test-secret-0123456789", "older-property-secret-99")
        .hashLength(4).build(), SrsVectorsTest.noonOf(SrsEngineTest.DAY));
    static final SrsEngine UNCAPPED = new SrsEngine(ENGINE.config().toBuilder().addressLimit(0).build(), SrsVectorsTest.noonOf(SrsEngineTest.DAY));
    static final SrsEngine DB = new SrsEngine(ENGINE.config(), SrsVectorsTest.noonOf(SrsEngineTest.DAY), new SrsDatabaseModeTest.InMemory(),
        SrsEngine.DbMode.TOOLONG);
    static final EximNativeSrs EXIM = EximNativeSrs.lenient("property-test-exim-secret-0123", SrsVectorsTest.noonOf(SrsEngineTest.DAY));

    /** Characters that matter to the parsers, plus some plain ones. */
    static final String ALPHABET = "=+-@\"\\.:,[]<> \t\r\n\u0000/aAzZ09SRS01srs\u00e9\u00f6\u20ac\u2028\u0085\u007f\uD83D\uDE00";

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> chars = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(120);
        Arbitrary<String> tagged = Combinators.combine(Arbitraries.of("SRS0", "SRS1", "srs0", "\"SRS0", "@r.example:SRS0", ""),
            Arbitraries.of("=", "+", "-", "", "=="), chars, Arbitraries.of("@", "@example.test", "", "\"@x"))
            .as((tag, sep, body, tail) -> tag + sep + body + tail);
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(200);
        return Arbitraries.oneOf(chars, tagged, any, mutatedValid());
    }

    /** A random plain or quoted sender. */
    static Arbitrary<String> senders() {
        return Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').withChars("._+= \"@").ofMinLength(1).ofMaxLength(20),
            Arbitraries.of("example.com", "EXAMPLE.org", "[192.0.2.7]"))
            .as((l, d) -> (l.contains(" ") || l.contains("\"") || l.contains("@") ? "\"" + l.replace("\"", "") + "\"" : l) + "@" + d);
    }

    /** {sender, its SRS address with one character changed, removed or doubled}. */
    @Provide
    Arbitrary<String[]> mutations() {
        return Combinators.combine(senders(), Arbitraries.integers().between(0, 200), Arbitraries.chars().with(ALPHABET.toCharArray()),
            Arbitraries.integers().between(0, 2))
            .as((s, pos, c, how) -> {
                SrsForwardResult f = ENGINE.forward(s, ALIAS);
                String a = f.address() == null ? s : f.address();
                int p = pos % Math.max(1, a.length());
                switch (how) {
                    case 0: return new String[] {s, a.substring(0, p) + c + a.substring(Math.min(a.length(), p + 1))};
                    case 1: return new String[] {s, a.substring(0, p) + a.substring(Math.min(a.length(), p + 1))};
                    default: return new String[] {s, a.substring(0, p) + c + a.substring(p)};
                }
            });
    }

    Arbitrary<String> mutatedValid() {
        return mutations().map(m -> m[1]);
    }

    @Property(tries = 600)
    void forwardAnswersAndEmitsOnlyValidAddressesThatComeBack(@ForAll("hostile") String sender) {
        for (SrsEngine e : new SrsEngine[] {ENGINE, DB}) {
            SrsForwardResult f = e.forward(sender, ALIAS);
            assertThat(f.outcome()).isNotNull();
            if (f.outcome() == SrsForwardResult.Outcome.FAILED) {
                assertThat(f.address()).isNull();
                continue;
            }
            assertThat(f.address()).isNotNull();
            if (f.outcome() != SrsForwardResult.Outcome.REWRITTEN) {
                continue; // left as it was (or our own domain)
            }
            String local = f.address().substring(0, f.address().lastIndexOf('@'));
            assertThat(SrsEngine.isDotString(local) || SrsEngine.isQuotedString(local)).as(f.address()).isTrue();
            assertThat(local.getBytes(StandardCharsets.UTF_8).length).as(f.address()).isLessThanOrEqualTo(64);
            SrsReverseResult r = e.reverse(f.address());
            assertThat(r.status()).as(f.address()).isEqualTo(SrsStatus.VALID);
            assertThat(r.recipient()).isPresent();
        }
    }

    @Property(tries = 1000)
    void reverseAnswersWithAStatusAndNeverThrows(@ForAll("hostile") String address) {
        for (SrsEngine e : new SrsEngine[] {ENGINE, UNCAPPED, DB}) {
            SrsReverseResult r = e.reverse(address);
            assertThat(r.status()).isNotNull();
            assertThat(r.recipient().isPresent()).isEqualTo(r.valid());
            if (r.valid()) {
                String back = r.recipient().orElseThrow();
                assertThat(back).doesNotContain("\r").doesNotContain("\n").contains("@");
                assertThat(back.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SrsConfig.MAX_ADDRESS_OCTETS);
            }
        }
        SrsReverseResult x = EXIM.inbound(address);
        assertThat(x.status()).isNotNull();
    }

    @Property(tries = 400)
    void aChangedCharacterNeverReversesToAnotherMailbox(@ForAll("mutations") String[] m) {
        SrsReverseResult r = ENGINE.reverse(m[1]);
        if (r.valid()) {
            // only what the hash does not cover may change: the separator after SRS0, quoting, the case, the alias
            // domain, and (Mail::SRS's format: the fields are hashed one after the other) where domain and local part meet
            assertThat(hashed(r.recipient().orElseThrow())).as("%s reversed to %s", m[1], r.recipient().get()).isEqualTo(hashed(m[0]));
            String local = r.recipient().get().substring(0, r.recipient().get().lastIndexOf('@'));
            assertThat(local).as("a mailbox").isNotEmpty().isNotEqualTo("\"\"");
        }
    }

    /** What the hash covers of an address: domain then local part, lower case, without quoting. */
    static String hashed(String address) {
        int at = address.lastIndexOf('@');
        return (address.substring(at + 1) + address.substring(0, at)).toLowerCase(Locale.ROOT).replace("\"", "").replace("\\", "");
    }

    @Property(tries = 8)
    void megabytesAreRefusedByTheCapAndParsedWithoutItNeverThrowing(@ForAll @IntRange(min = 1 << 20, max = 4 << 20) int size,
                                                                 @ForAll("fillers") String filler) {
        StringBuilder sb = new StringBuilder(size + 64).append("SRS0=");
        while (sb.length() < size) {
            sb.append(filler);
        }
        String huge = sb.append("@example.test").toString();
        SrsReverseResult capped = ENGINE.reverse(huge);
        assertThat(capped.status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(capped.error()).contains("Address is longer than 512 octets");
        assertThat(ENGINE.forward(huge, ALIAS).outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
        assertThat(DB.forward(huge, ALIAS).outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
        assertThat(EXIM.inbound(huge).status()).isEqualTo(SrsStatus.NOT_SRS);
        // no cap: still an answer of the protocol
        assertThat(UNCAPPED.reverse(huge).status()).isIn(SrsStatus.BAD_HASH, SrsStatus.NOT_SRS, SrsStatus.EXPIRED);
        assertThat(UNCAPPED.forward(huge, ALIAS).outcome()).isIn(SrsForwardResult.Outcome.FAILED, SrsForwardResult.Outcome.TOO_LONG,
            SrsForwardResult.Outcome.REWRITTEN);
    }

    @Provide
    Arbitrary<String> fillers() {
        return Arbitraries.of("=", "A=", "@", "\"", "\\\"", "SRS0=", "SRS1==", "a", "\u00e9", "=+-", "@x:", ".");
    }
}
