package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against the real Debian packages: Mail::SRS 0.31 (libmail-srs-perl, in a Perl child) and
 * postsrsd 1.10 (started on 127.0.0.1 with a fixed secret file, its day fixed by libfaketime). Random senders
 * (seeded, the seed is in the test name), both directions, byte-equal results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SrsDifferentialTest {
    static final String ALIAS = "fwd.example.net";
    static final int SENDERS = 1000;

    /** One configuration, run by all three implementations. postsrsd has a fixed maxage of 21. */
    static final class Setup {
        final String name;
        final SrsConfig config;
        final long day;
        final long seed;

        Setup(String name, SrsConfig config, long day, long seed) {
            this.name = name;
            this.config = config;
            this.day = day;
            this.seed = seed;
        }

        @Override
        public String toString() {
            return name + " day " + day + " seed " + seed;
        }
    }

    MailSrsPeer mailSrs;

    @BeforeAll
    void startPerl() throws Exception {
        mailSrs = MailSrsPeer.start();
    }

    @AfterAll
    void stopPerl() throws Exception {
        if (mailSrs != null) {
            mailSrs.close();
        }
    }

    static List<Arguments> setups() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(new Setup("one secret, hashlength 4, '='",
            SrsConfig.builder().secrets("tops3cr3t").hashLength(4).maxAge(21).localPartLimit(0).build(), 19889, 4711)));
        out.add(Arguments.of(new Setup("two secrets, hashlength 6 hashmin 4, '+', just after the 1024-day wrap",
            SrsConfig.builder().secrets("n3wS3cret", "0ldS3cret").hashLength(6).hashMin(4).maxAge(21).separator('+').localPartLimit(0).build(),
            20485, 1234)));
        out.add(Arguments.of(new Setup("hashlength 8, '-'",
            SrsConfig.builder().secrets("an0ther-s3cret").hashLength(8).maxAge(21).separator('-').localPartLimit(0).build(), 20000, 99)));
        return out;
    }

    private static final String LOCAL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=";
    private static final String[] TLDS = {"com", "org", "net", "example", "CO.UK", "de"};

    static String randomSender(Random r) {
        StringBuilder local = new StringBuilder();
        int n = 1 + r.nextInt(24);
        for (int i = 0; i < n; i++) {
            local.append(LOCAL_CHARS.charAt(r.nextInt(LOCAL_CHARS.length())));
        }
        StringBuilder domain = new StringBuilder();
        int labels = 1 + r.nextInt(3);
        for (int l = 0; l < labels; l++) {
            int len = 1 + r.nextInt(12);
            for (int i = 0; i < len; i++) {
                char c = "abcdefghijklmnopqrstuvwxyz0123456789".charAt(r.nextInt(36));
                domain.append(r.nextInt(5) == 0 ? Character.toUpperCase(c) : c);
            }
            domain.append('.');
        }
        domain.append(TLDS[r.nextInt(TLDS.length)]);
        return local + "@" + domain;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void randomSendersBothDirectionsByteEqual(Setup s) throws Exception {
        Random random = new Random(s.seed);
        SrsEngine java = new SrsEngine(s.config, SrsVectorsTest.noonOf(s.day));
        SrsEngine foreign = new SrsEngine(SrsConfig.builder().secrets("f0reignS3cret").hashLength(4).localPartLimit(0).build(),
            SrsVectorsTest.noonOf(s.day - 2));
        int compared = 0;
        try (PostsrsdPeer postsrsd = PostsrsdPeer.start(s.config, ALIAS, s.day)) {
            for (int i = 0; i < SENDERS; i++) {
                String sender = randomSender(random);
                if (i % 10 == 0) {
                    // an SRS0 made by another forwarder: Guarded makes an SRS1 of it
                    sender = foreign.forward(sender, "first-fwd.example").address();
                }
                // forward: Java == Mail::SRS == postsrsd
                SrsForwardResult jf = java.forward(sender, ALIAS);
                MailSrsPeer.Answer pf = mailSrs.call("forward", s.day, s.config, ALIAS, sender);
                PostsrsdPeer.Answer df = postsrsd.forward(sender);
                assertThat(pf.ok).as("Mail::SRS forward %s: %s", sender, pf).isTrue();
                assertThat(jf.address()).as("forward %s vs Mail::SRS", sender).isEqualTo(pf.value);
                assertThat(df.ok()).as("postsrsd forward %s: %s", sender, df).isTrue();
                assertThat(jf.address()).as("forward %s vs postsrsd", sender).isEqualTo(df.value);
                String srs = jf.address();

                // reverse of a fresh address: all three give the sender back
                assertReverseAgrees(s, java, postsrsd, srs, true);
                assertThat(java.reverse(srs).recipient()).contains(sender);

                // case smashed by a careless MTA: all three still accept
                String smashed = srs.toLowerCase();
                assertReverseAgrees(s, java, postsrsd, smashed, true);

                // a forged hash: all three refuse
                String forged = tamperHash(srs, random);
                assertReverseAgrees(s, java, postsrsd, forged, false);

                // an address from some days ago (0..30, maxage 21): same verdict everywhere
                long age = random.nextInt(31);
                String aged = new SrsEngine(s.config, SrsVectorsTest.noonOf(s.day - age)).forward(sender, ALIAS).address();
                // (an SRS1 carries no timestamp of its own)
                assertReverseAgrees(s, java, postsrsd, aged, age <= 21 || aged.startsWith("SRS1"));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(SENDERS);
    }

    /** Reverse with all three: the same verdict, the same address or Mail::SRS's error text, and the verdict expected. */
    private void assertReverseAgrees(Setup s, SrsEngine java, PostsrsdPeer postsrsd, String srs, boolean expectValid) throws Exception {
        SrsReverseResult jr = java.reverse(srs);
        MailSrsPeer.Answer pr = mailSrs.call("reverse", s.day, s.config, ALIAS, srs);
        PostsrsdPeer.Answer dr = postsrsd.reverse(srs);
        assertThat(jr.valid()).as("reverse %s: Java %s", srs, jr).isEqualTo(expectValid);
        assertThat(pr.ok).as("reverse %s: Mail::SRS %s", srs, pr).isEqualTo(expectValid);
        assertThat(dr.ok()).as("reverse %s: postsrsd %s", srs, dr).isEqualTo(expectValid);
        if (expectValid) {
            assertThat(jr.recipient()).as("reverse %s vs Mail::SRS", srs).contains(pr.value);
            assertThat(jr.recipient()).as("reverse %s vs postsrsd", srs).contains(dr.value);
        } else {
            assertThat(jr.error()).as("reverse %s error text", srs).contains(pr.value);
        }
    }

    /** Changes one character of the hash field to a different base64 letter (not just its case). */
    static String tamperHash(String srs, Random r) {
        int start = 5;
        int end = srs.indexOf('=', start);
        int pos = start + r.nextInt(end - start);
        char old = srs.charAt(pos);
        char c;
        do {
            c = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/".charAt(r.nextInt(38));
        } while (Character.toLowerCase(c) == Character.toLowerCase(old));
        return srs.substring(0, pos) + c + srs.substring(pos + 1);
    }

    @Test
    void theDocumentedDisagreementsFollowMailSrs() throws Exception {
        SrsConfig c = SrsConfig.builder().secrets("tops3cr3t").hashLength(4).maxAge(21).localPartLimit(0).build();
        long day = 19889;
        SrsEngine java = new SrsEngine(c, SrsVectorsTest.noonOf(day));
        try (PostsrsdPeer postsrsd = PostsrsdPeer.start(c, ALIAS, day)) {
            // a 5-character hash whose first 4 are right: postsrsd truncates and accepts, Mail::SRS (and we) refuse
            String longHash = "SRS0=tBcRA=NR=example.com=alice@fwd.example.net";
            assertThat(postsrsd.reverse(longHash).ok()).isTrue();
            assertThat(mailSrs.call("reverse", day, c, ALIAS, longHash).ok).isFalse();
            assertThat(java.reverse(longHash).status()).isEqualTo(SrsStatus.BAD_HASH);
            // forwarding our own SRS0 seen at another domain: postsrsd says "Already rewritten", Mail::SRS (and we) make SRS1
            String ours = "SRS0=tBcR=NR=example.com=alice@other.example";
            assertThat(postsrsd.forward(ours).ok()).isFalse();
            MailSrsPeer.Answer p = mailSrs.call("forward", day, c, ALIAS, ours);
            assertThat(java.forward(ours, ALIAS).address()).isEqualTo(p.value).startsWith("SRS1=");
        }
    }
}
