package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * Odd senders and bounce addresses anyone may send to a public MX, with the default RFC 5321 rules of the engine
 * (local parts of at most 64 octets, only valid addresses out): each one is rewritten into a valid address that
 * reverses to the same mailbox, or left as it was; nothing is thrown, nothing invalid is emitted.
 */
class SrsOddAddressesTest {
    static final String ALIAS = "fwd.example.net";
    static final long DAY = SrsEngineTest.DAY;

    static SrsEngine engine() {
        return new SrsEngine(SrsConfig.builder().secrets("odd-addresses-test-secret-0123").hashLength(4).maxAge(21).build(),
            SrsVectorsTest.noonOf(DAY));
    }

    static String local(String address) {
        return address.substring(0, address.lastIndexOf('@'));
    }

    /** What RFC 5321 (with RFC 6531 UTF-8) allows as a local part: a dot-string or a quoted string, at most 64 octets. */
    static void assertValidLocalPart(String address) {
        String l = local(address);
        assertThat(SrsEngine.isDotString(l) || SrsEngine.isQuotedString(l)).as("dot-string or quoted string: " + l).isTrue();
        assertThat(l.getBytes(StandardCharsets.UTF_8).length).as("octets of " + l).isLessThanOrEqualTo(64);
    }

    @Test
    void aQuotedLocalPartBecomesAQuotedSrsAddressThatComesBack() {
        // before: SRS0=HHHH=NR=example.com="john doe"@fwd.example.net, which no SMTP server accepts (Mail::SRS and postsrsd agree on it)
        SrsForwardResult f = engine().forward("\"john doe\"@example.com", ALIAS);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertThat(f.address()).matches("\"SRS0=[A-Za-z0-9+/]{4}=NR=example\\.com=john doe\"@fwd\\.example\\.net");
        assertValidLocalPart(f.address());
        SrsReverseResult r = engine().reverse(f.address());
        assertThat(r.status()).isEqualTo(SrsStatus.VALID);
        assertThat(r.recipient()).contains("\"john doe\"@example.com");
        // a remote MTA that upper-cases the whole address: still accepted (the case of the original cannot come back)
        assertThat(engine().reverse(f.address().toUpperCase(Locale.ROOT)).recipient()).contains("\"JOHN DOE\"@EXAMPLE.COM");
    }

    @Test
    void everyKindOfQuotedLocalPartRoundTrips() {
        List<String[]> cases = List.of(
            new String[] {"\"a@b\"@c.example", "\"a@b\"@c.example"},          // an @ inside quotes (James accepts it)
            new String[] {"\"a..b\"@x.example", "\"a..b\"@x.example"},        // two dots
            new String[] {"\"x\\\"y\"@x.example", "\"x\\\"y\"@x.example"},      // an escaped quote
            new String[] {"\"back\\\\slash\"@x.example", "\"back\\\\slash\"@x.example"},
            new String[] {"\"john\"@example.com", "john@example.com"},        // needless quotes: the same mailbox
            new String[] {"\".dot\"@x.example", "\".dot\"@x.example"});
        for (String[] c : cases) {
            SrsForwardResult f = engine().forward(c[0], ALIAS);
            assertThat(f.outcome()).as(c[0]).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            assertValidLocalPart(f.address());
            assertThat(engine().reverse(f.address()).recipient()).as(f.address()).contains(c[1]);
        }
    }

    @Test
    void equalsAndPlusAndEveryAtextCharacterRoundTrip() {
        for (String sender : List.of("a=b+c@example.com", "user+tag@example.com", "=@example.com", "a!#$%&'*+-/=?^_`{|}~z@example.com",
            "SRS0x@example.com", "x=y=z=w@example.com")) {
            SrsForwardResult f = engine().forward(sender, ALIAS);
            assertThat(f.outcome()).as(sender).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            assertThat(SrsEngine.isDotString(local(f.address()))).as(f.address()).isTrue();
            assertThat(engine().reverse(f.address()).recipient()).as(f.address()).contains(sender);
        }
    }

    @Test
    void ipLiteralDomainsAreQuotedAndComeBack() {
        for (String sender : List.of("user@[192.0.2.1]", "user@[IPv6:2001:db8::1]")) {
            SrsForwardResult f = engine().forward(sender, ALIAS);
            assertThat(f.outcome()).as(sender).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            assertThat(f.address()).startsWith("\"SRS0=");
            assertValidLocalPart(f.address());
            assertThat(engine().reverse(f.address()).recipient()).contains(sender);
        }
    }

    @Test
    void theLimitCountsOctetsNotCharacters() {
        // 20 two-octet characters: 20 characters but 40 octets; with SRS0=HHHH=NR=example.com= (25) that is 65 octets
        String sender = "\u00f6".repeat(20) + "@example.com";
        SrsForwardResult f = engine().forward(sender, ALIAS);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.TOO_LONG);
        assertThat(f.address()).isEqualTo(sender);
        assertThat(f.error().orElseThrow()).contains("65 octets");
        // SMTPUTF8 senders that fit are rewritten (UTF-8 is atext under RFC 6531) and come back
        SrsForwardResult ok = engine().forward("j\u00f6rg@b\u00fccher.example", ALIAS);
        assertThat(ok.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertValidLocalPart(ok.address());
        assertThat(engine().reverse(ok.address()).recipient()).contains("j\u00f6rg@b\u00fccher.example");
    }

    @Test
    void aQuotedSenderThatWouldExceed64OctetsIsLeftAsItWas() {
        String sender = "\"" + "long local part ".repeat(3) + "\"@example.com";
        SrsForwardResult f = engine().forward(sender, ALIAS);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.TOO_LONG);
        assertThat(f.address()).isEqualTo(sender);
    }

    @Test
    void sourceRoutesAreDroppedBothWays() {
        SrsForwardResult f = engine().forward("@a.example,@b.example:alice@c.example", ALIAS);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertThat(f.address()).isEqualTo(engine().forward("alice@c.example", ALIAS).address());
        assertThat(engine().reverse("@relay.example:" + f.address()).recipient()).contains("alice@c.example");
    }

    @Test
    void theNullSenderAndAddressesWithoutADomainAreNeverRewritten() {
        for (String sender : new String[] {null, "", "<>", "@", "alice", "alice@", "\"\"@"}) {
            SrsForwardResult f = engine().forward(sender, ALIAS);
            assertThat(f.outcome()).as(String.valueOf(sender)).isEqualTo(SrsForwardResult.Outcome.FAILED);
            assertThat(f.address()).isNull();
        }
    }

    @Test
    void controlCharactersAreNeverEmitted() {
        for (String sender : List.of("\"a\u0001b\"@x.example", "\"tab\there\"@x.example", "\"del\u007f\"@x.example", "\"c1\u0085\"@x.example",
            "a\r\nRCPT TO:<x@y>@x.example", "nul\u0000@x.example")) {
            SrsForwardResult f = engine().forward(sender, ALIAS);
            assertThat(f.outcome()).as(sender).isEqualTo(SrsForwardResult.Outcome.FAILED);
        }
    }

    @Test
    void inputOverTheAddressLimitIsRefusedBeforeAnyWork() {
        String fits = "a".repeat(SrsConfig.MAX_ADDRESS_OCTETS - "@example.com".length()) + "@example.com";
        assertThat(fits).hasSize(512);
        assertThat(engine().forward(fits, ALIAS).outcome()).as("512 octets: looked at (and too long for 64)")
            .isEqualTo(SrsForwardResult.Outcome.TOO_LONG);
        String over = "a" + fits;
        SrsForwardResult f = engine().forward(over, ALIAS);
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
        assertThat(f.error().orElseThrow()).isEqualTo("Sender is longer than 512 octets");
        // 300 three-octet characters are 900 octets although only 300 characters
        assertThat(engine().forward("\u20ac".repeat(300) + "@example.com", ALIAS).error()).contains("Sender is longer than 512 octets");

        String megabyte = "SRS0=" + "A=".repeat(512 * 1024) + "@" + ALIAS;
        SrsReverseResult r = engine().reverse(megabyte);
        assertThat(r.status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(r.error()).contains("Address is longer than 512 octets");
        assertThat(engine().reverse("\"SRS1=" + "x".repeat(600) + "\"@" + ALIAS).status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(engine().reverse("postmaster" + "x".repeat(600) + "@" + ALIAS).status()).isEqualTo(SrsStatus.NOT_SRS);
        assertThat(EximNativeSrs.lenient("exim-native-secret-0123456789", SrsVectorsTest.noonOf(DAY)).inbound(megabyte).status())
            .isEqualTo(SrsStatus.NOT_SRS);
    }

    @Test
    void moreThanSixteenSecretsAreRefused() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add("secret-number-" + i);
        }
        assertThatThrownBy(() -> SrsConfig.builder().secrets(many).build()).hasMessageContaining("secrets").hasMessageContaining("at most 16")
            .hasMessageNotContaining("secret-number");
        assertThat(SrsConfig.builder().secrets(many.subList(0, 16)).build().secrets()).hasSize(16);
    }

    @Test
    void aReForwardedQuotedSrsAddressBecomesSrs1() {
        SrsEngine first = new SrsEngine(SrsConfig.builder().secrets("first-forwarder-secret-01").hashLength(4).build(), SrsVectorsTest.noonOf(DAY));
        String srs0 = first.forward("\"john doe\"@example.com", "first-fwd.example").address();
        SrsForwardResult f = engine().forward(srs0, ALIAS);
        assertThat(f.address()).startsWith("\"SRS1=");
        assertValidLocalPart(f.address());
        String back = engine().reverse(f.address()).recipient().orElseThrow();
        assertThat(back).isEqualTo(srs0);
        assertThat(first.reverse(back).recipient()).contains("\"john doe\"@example.com");
    }

    @Test
    void eximNativeAddressesWhoseCaseAMtaChangedStillVerifyInLenientMode() {
        String secret = "exim-native-secret-0123456789";
        EximNativeSrs exact = new EximNativeSrs(secret, SrsVectorsTest.noonOf(DAY));
        EximNativeSrs lenient = EximNativeSrs.lenient(secret, SrsVectorsTest.noonOf(DAY));
        String a = exact.encode("alice@example.com", ALIAS);
        String upper = a.toUpperCase(Locale.ROOT);
        assertThat(exact.inbound(upper).valid()).as("Exim refuses it").isFalse();
        assertThat(lenient.inbound(upper).recipient()).contains("alice@example.com");
        assertThat(lenient.inbound(a).recipient()).contains("alice@example.com");
        assertThat(lenient.inbound(a.replace("alice", "mallory")).status()).isEqualTo(SrsStatus.BAD_HASH);
    }
}
