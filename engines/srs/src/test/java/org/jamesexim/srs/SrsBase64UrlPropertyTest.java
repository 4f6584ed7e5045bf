package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reverse reads hashes in base64url (postsrsd from 2.2.6) as well as base64 (Mail::SRS): for random senders the hash
 * of forward re-encoded in base64url reverses exactly like the original, and no other hash is accepted. The oracle is
 * computed here, not by the engine: HMAC-SHA1 over the lower-cased fields, base64, and a hash of a valid length is
 * accepted iff it equals (ignoring case, as Mail::SRS) the prefix of that base64 or of its base64url form; every other
 * hash, a mix of the two alphabets among them, stays refused.
 */
class SrsBase64UrlPropertyTest {
    static final String ALIAS = "fwd.example.net";
    static final String SECRET = "base64url-property-secret-42";
    static final String OLD_SECRET = "older-base64url-secret-4711";
    static final SrsEngine ENGINE = new SrsEngine(SrsConfig.builder().secrets(SECRET, OLD_SECRET).hashLength(6).hashMin(4).build(),
        SrsVectorsTest.noonOf(SrsEngineTest.DAY));
    /** Mail::SRS's own output, with which the property is compared byte for byte. */
    static final SrsEngine STRICT = new SrsEngine(ENGINE.config().toBuilder().localPartLimit(0).build(), SrsVectorsTest.noonOf(SrsEngineTest.DAY));
    static final String HASH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";

    @Provide
    Arbitrary<String> senders() {
        return Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars("._+-=")
                .ofMinLength(1).ofMaxLength(24).filter(l -> !l.startsWith(".") && !l.endsWith(".") && !l.contains("..")),
            Arbitraries.of("example.com", "Origin.EXAMPLE", "mail.test", "sub.example.org"),
            Arbitraries.of("", "SRS0=abcd=JV=orig.example="))
            .as((l, d, srs) -> srs.isEmpty() ? l + "@" + d : srs + l + "@first-fwd.example");
    }

    static String toUrl(String hash) {
        return hash.replace('+', '-').replace('/', '_');
    }

    /** {address, hash} of the forward of {@code sender}. */
    static String[] forward(String sender) {
        SrsForwardResult f = STRICT.forward(sender, ALIAS);
        assertThat(f.outcome()).as(f.toString()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        return new String[] {f.address(), SrsVectorsTest.hashOf(f.address())};
    }

    static String withHash(String address, String oldHash, String newHash) {
        return address.substring(0, 5) + newHash + address.substring(5 + oldHash.length());
    }

    @Property(tries = 500, seed = "19")
    void aBase64UrlHashReversesExactlyLikeTheOriginal(@ForAll("senders") String sender) {
        String[] f = forward(sender);
        SrsReverseResult original = ENGINE.reverse(f[0]);
        assertThat(original.status()).as(f[0]).isEqualTo(SrsStatus.VALID);
        for (String hash : new String[] {toUrl(f[1]), toUrl(f[1]).toLowerCase(Locale.ROOT), toUrl(f[1]).toUpperCase(Locale.ROOT)}) {
            String url = withHash(f[0], f[1], hash);
            SrsReverseResult r = ENGINE.reverse(url);
            assertThat(r.status()).as(url).isEqualTo(original.status());
            assertThat(r.recipient()).as(url).isEqualTo(original.recipient());
        }
        // the engine set to base64url forwards to exactly that address
        SrsEngine urlEngine = new SrsEngine(STRICT.config().toBuilder().hashAlphabet(SrsConfig.HashAlphabet.BASE64URL).build(),
            SrsVectorsTest.noonOf(SrsEngineTest.DAY));
        assertThat(urlEngine.forward(sender, ALIAS).address()).isEqualTo(withHash(f[0], f[1], toUrl(f[1])));
    }

    @Provide
    Arbitrary<Object[]> forgedHashes() {
        Arbitrary<String> random = Arbitraries.strings().withChars(HASH_CHARS.toCharArray()).ofMinLength(0).ofMaxLength(30);
        return Combinators.combine(senders(), random, Arbitraries.integers().between(0, 29), Arbitraries.chars().with(HASH_CHARS.toCharArray()),
            Arbitraries.integers().between(0, 3))
            .as((sender, rnd, pos, c, how) -> new Object[] {sender, rnd, pos, c, how});
    }

    /**
     * Any hash (random, or the real one, or its base64url form, with one character replaced, cut or extended, mixed
     * alphabets included) is accepted iff the oracle accepts it, and with one secret and one day nothing else decides.
     */
    @Property(tries = 2000, seed = "42")
    void nothingRefusedBeforeIsAcceptedNow(@ForAll("forgedHashes") Object[] in) throws Exception {
        String sender = (String) in[0];
        String[] f = forward(sender);
        String real = f[1];
        int how = (Integer) in[4];
        int pos = (Integer) in[2];
        char c = (Character) in[3];
        String hash;
        switch (how) {
            case 0:
                hash = (String) in[1];
                break;
            case 1: {
                String base = pos % 2 == 0 ? real : toUrl(real);
                int at = pos % base.length();
                hash = base.substring(0, at) + c + base.substring(at + 1);
                break;
            }
            case 2: {
                String base = pos % 2 == 0 ? real : toUrl(real);
                hash = base.substring(0, Math.min(base.length(), pos % 8));
                break;
            }
            default:
                hash = (pos % 2 == 0 ? real : toUrl(real)) + c;
        }
        String address = withHash(f[0], real, hash);
        boolean accepted = ENGINE.reverse(address).valid();
        assertThat(accepted).as(address + " (real hash " + real + ")").isEqualTo(oracle(hash, fields(f[0])));
        if (accepted && hash.indexOf('-') < 0 && hash.indexOf('_') < 0) {
            // a hash in Mail::SRS's alphabet: accepted as before (and as Mail::SRS would)
            assertThat(STRICT.reverse(address).valid()).isTrue();
        }
    }

    /** A hash with characters of both alphabets is no encoding of any HMAC: refused even where each half would match. */
    @Example
    void aHashMixingTheAlphabetsIsRefused() {
        int found = 0;
        for (int i = 0; i < 5000 && found < 20; i++) {
            String[] f = forward("mixed" + i + "@example.com");
            String real = f[1];
            int a = indexOfAny(real, 0);
            int b = a < 0 ? -1 : indexOfAny(real, a + 1);
            if (b < 0) {
                continue;
            }
            found++;
            String mixed = real.substring(0, a) + toUrl(real.substring(a, a + 1)) + real.substring(a + 1);
            assertThat(ENGINE.reverse(withHash(f[0], real, mixed)).status()).as(mixed).isEqualTo(SrsStatus.BAD_HASH);
            assertThat(ENGINE.reverse(withHash(f[0], real, toUrl(real))).status()).isEqualTo(SrsStatus.VALID);
            assertThat(ENGINE.reverse(f[0]).status()).isEqualTo(SrsStatus.VALID);
        }
        assertThat(found).isEqualTo(20);
    }

    private static int indexOfAny(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '+' || s.charAt(i) == '/') {
                return i;
            }
        }
        return -1;
    }

    /** The hashed fields of an SRS0/SRS1 address as Mail::SRS hashes them. */
    static String[] fields(String address) {
        String local = address.substring(0, address.lastIndexOf('@'));
        String[] p = local.substring(5).split("=", local.startsWith("SRS1") ? 3 : 4);
        return local.startsWith("SRS1") ? new String[] {p[1], p[2]} : new String[] {p[1], p[2], p[3]};
    }

    static boolean oracle(String hash, String[] fields) throws Exception {
        if (hash.length() < 4 || hash.length() > 27) {
            return false;
        }
        for (String secret : new String[] {SECRET, OLD_SECRET}) {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            for (String x : fields) {
                mac.update(x.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            }
            String std = Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal()).substring(0, hash.length());
            String url = toUrl(std);
            if (hash.equalsIgnoreCase(std) || hash.equalsIgnoreCase(url)) {
                return true;
            }
        }
        return false;
    }
}
