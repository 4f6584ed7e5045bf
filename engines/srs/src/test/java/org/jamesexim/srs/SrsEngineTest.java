package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SrsEngineTest {
    static final long DAY = 19889; // 2024-06-15, stamp NR
    static final Clock NOON = SrsVectorsTest.noonOf(DAY);

    static SrsEngine engine(SrsConfig.Builder b, long day) {
        return new SrsEngine(b.build(), SrsVectorsTest.noonOf(day));
    }

    static SrsConfig.Builder mailSrs() {
        return SrsConfig.builder().secrets("tops3cr3t").hashLength(4).maxAge(21);
    }

    @Test
    void forwardAndReverseRoundTrip() {
        SrsEngine e = engine(mailSrs(), DAY);
        SrsForwardResult f = e.forward("alice@example.com", "fwd.example.net");
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertThat(f.address()).isEqualTo("SRS0=tBcR=NR=example.com=alice@fwd.example.net");
        SrsReverseResult r = e.reverse(f.address());
        assertThat(r.status()).isEqualTo(SrsStatus.VALID);
        assertThat(r.recipient()).contains("alice@example.com");
    }

    @Test
    void ageIsCountedInDaysUpToMaxageInclusive() {
        String addr = engine(mailSrs(), DAY).forward("alice@example.com", "fwd.example.net").address();
        assertThat(engine(mailSrs(), DAY + 21).reverse(addr).status()).isEqualTo(SrsStatus.VALID);
        assertThat(engine(mailSrs(), DAY + 22).reverse(addr).status()).isEqualTo(SrsStatus.EXPIRED);
        assertThat(engine(mailSrs(), DAY - 1).reverse(addr).status()).as("a stamp from tomorrow").isEqualTo(SrsStatus.EXPIRED);
        assertThat(engine(mailSrs(), DAY + 1024).reverse(addr).status()).as("the 1024-day cycle").isEqualTo(SrsStatus.VALID);
    }

    @Test
    void caseSmashedAddressesStillVerify() {
        String addr = engine(mailSrs(), DAY).forward("alice@example.com", "fwd.example.net").address();
        assertThat(engine(mailSrs(), DAY).reverse(addr.toLowerCase()).recipient()).contains("alice@example.com");
        assertThat(engine(mailSrs(), DAY).reverse(addr.toUpperCase()).recipient()).contains("ALICE@EXAMPLE.COM");
    }

    @Test
    void oldSecretsVerifyButOnlyTheFirstSigns() {
        String old = engine(SrsConfig.builder().secrets("0ldS3cret").hashLength(4), DAY).forward("carol@example.org", "fwd.example.net").address();
        SrsEngine rotated = engine(SrsConfig.builder().secrets("n3wS3cret", "0ldS3cret").hashLength(4), DAY);
        assertThat(rotated.reverse(old).status()).isEqualTo(SrsStatus.VALID);
        String fresh = rotated.forward("carol@example.org", "fwd.example.net").address();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(engine(SrsConfig.builder().secrets("n3wS3cret").hashLength(4), DAY).reverse(fresh).status()).isEqualTo(SrsStatus.VALID);
        assertThat(engine(SrsConfig.builder().secrets("0ldS3cret").hashLength(4), DAY).reverse(fresh).status()).isEqualTo(SrsStatus.BAD_HASH);
    }

    @Test
    void hashminLetsShorterHashesFromBeforeARaiseVerify() {
        String short4 = engine(mailSrs(), DAY).forward("dave@example.com", "fwd.example.net").address();
        assertThat(engine(mailSrs().hashLength(8), DAY).reverse(short4).status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(engine(mailSrs().hashLength(8).hashMin(4), DAY).reverse(short4).status()).isEqualTo(SrsStatus.VALID);
    }

    @Test
    void ownDomainSendersAreLeftAloneUnlessAlwaysRewrite() {
        assertThat(engine(mailSrs(), DAY).forward("bob@FWD.example.net", "fwd.example.net").outcome())
            .isEqualTo(SrsForwardResult.Outcome.UNCHANGED);
        SrsForwardResult f = engine(mailSrs().alwaysRewrite(true), DAY).forward("bob@fwd.example.net", "fwd.example.net");
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertThat(f.address()).startsWith("SRS0=").endsWith("=NR=fwd.example.net=bob@fwd.example.net");
    }

    @Test
    void neverEmitsALocalPartOver64OctetsWithoutADatabase() {
        String sender = "averyveryverylonglocalpartthatisalreadyfortycharacters@example.com";
        SrsForwardResult f = engine(mailSrs(), DAY).forward(sender, "fwd.example.net");
        assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.TOO_LONG);
        assertThat(f.address()).isEqualTo(sender);
        assertThat(f.error().orElseThrow()).contains("79 octets").contains("64");
        // exactly 64 is fine: SRS0=xxxx=NR=example.com= is 25 characters, so a 39-character local part fits
        String fits = "a".repeat(39) + "@example.com";
        SrsForwardResult ok = engine(mailSrs(), DAY).forward(fits, "fwd.example.net");
        assertThat(ok.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
        assertThat(ok.address().substring(0, ok.address().lastIndexOf('@'))).hasSize(64);
        assertThat(engine(mailSrs(), DAY).forward("a" + fits, "fwd.example.net").outcome()).isEqualTo(SrsForwardResult.Outcome.TOO_LONG);
    }

    @Test
    void srsConfigOneLineForm() {
        SrsConfig c = SrsConfig.fromSrsConfig("s3cr::et:14:8:1:0");
        assertThat(c.secrets()).containsExactly("s3cr:et");
        assertThat(c.maxAge()).isEqualTo(14);
        assertThat(c.hashLength()).isEqualTo(8);
        assertThat(c.hashMin()).isEqualTo(8);
        assertThat(c.useTimestamp()).isTrue();
        assertThat(c.useHash()).isFalse();
        SrsConfig partial = SrsConfig.builder().secrets("a", "b").srsConfig("first").build();
        assertThat(partial.secrets()).containsExactly("first", "b");
        assertThat(partial.hashLength()).isEqualTo(6);
        assertThat(partial.maxAge()).isEqualTo(31);
        // the line holds the secret: a bad field is named, never shown (a colon forgotten in a secret would show part of it)
        assertThatThrownBy(() -> SrsConfig.fromSrsConfig("x:soon")).hasMessageContaining("maxage").hasMessageNotContaining("soon");
        assertThatThrownBy(() -> SrsConfig.fromSrsConfig("half:of-the-secret")).hasMessageContaining("maxage")
            .hasMessageNotContaining("of-the-secret").hasMessageContaining("::");
        assertThatThrownBy(() -> SrsConfig.fromSrsConfig("a:1:2:other-half")).hasMessageContaining("usetimestamp")
            .hasMessageNotContaining("other-half");
        assertThatThrownBy(() -> SrsConfig.fromSrsConfig("x:1:2:3:4:5")).hasMessageContaining("at most 5");
        assertThat(SrsConfig.fromSrsConfig("topsecret").toString()).doesNotContain("topsecret");
    }

    @Test
    void badConfigurationNamesTheParameter() {
        assertThatThrownBy(() -> SrsConfig.builder().build()).hasMessageContaining("secrets");
        assertThatThrownBy(() -> mailSrs().hashLength(0).build()).hasMessageContaining("hashlength");
        assertThatThrownBy(() -> mailSrs().hashLength(28).build()).hasMessageContaining("hashlength");
        assertThatThrownBy(() -> mailSrs().hashMin(5).build()).hasMessageContaining("hashmin");
        assertThatThrownBy(() -> mailSrs().maxAge(-1).build()).hasMessageContaining("maxage");
        assertThatThrownBy(() -> mailSrs().separator("/").build()).hasMessageContaining("separator");
    }

    @Test
    void withoutHashOrTimestamp() {
        SrsEngine noHash = engine(mailSrs().useHash(false), DAY);
        String a = noHash.forward("alice@example.com", "fwd.example.net").address();
        assertThat(a).isEqualTo("SRS0=NR=example.com=alice@fwd.example.net");
        assertThat(noHash.reverse(a).recipient()).contains("alice@example.com");
        SrsEngine noStamp = engine(mailSrs().useTimestamp(false), DAY);
        String b = noStamp.forward("alice@example.com", "fwd.example.net").address();
        assertThat(b).matches("SRS0=[A-Za-z0-9+/]{4}=example\\.com=alice@fwd\\.example\\.net");
        assertThat(engine(mailSrs().useTimestamp(false), DAY + 500).reverse(b).recipient()).contains("alice@example.com");
        assertThat(noStamp.reverse(b.replace("alice", "mallory")).status()).isEqualTo(SrsStatus.BAD_HASH);
    }

    @Test
    void srs1ChainReversesToTheFirstHop() {
        SrsEngine first = engine(SrsConfig.builder().secrets("f0reignS3cret").hashLength(4), DAY);
        SrsEngine second = engine(mailSrs(), DAY);
        String srs0 = first.forward("joe@orig.example", "first-fwd.example").address();
        String srs1 = second.forward(srs0, "fwd.example.net").address();
        assertThat(srs1).startsWith("SRS1=").contains("=first-fwd.example==");
        SrsReverseResult back = second.reverse(srs1);
        assertThat(back.recipient()).contains(srs0);
        assertThat(first.reverse(back.recipient().orElseThrow()).recipient()).contains("joe@orig.example");
    }

    @Test
    void badInputGivesAStatusNotAnException() {
        SrsEngine e = engine(mailSrs(), DAY);
        assertThat(e.forward("", "fwd.example.net").outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
        assertThat(e.forward(null, "fwd.example.net").error()).contains("Sender '' contains no @");
        assertThat(e.forward("a\r\nb@example.com", "fwd.example.net").outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
        assertThat(e.reverse("SRS0=\n@x").status()).isEqualTo(SrsStatus.NOT_SRS);
        assertThat(e.reverse("postmaster@fwd.example.net").status()).isEqualTo(SrsStatus.NOT_SRS);
        assertThat(e.reverse("SRS0=@fwd.example.net").status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(e.reverse("SRS0=tBcR=N\u00e9=example.com=alice@fwd.example.net").status()).isEqualTo(SrsStatus.BAD_HASH);
    }

    @Test
    void threadSafeUnderConcurrentUse() throws Exception {
        SrsEngine e = engine(mailSrs(), DAY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int id = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 5000; i++) {
                        String sender = "u" + id + "x" + i + "@example.com";
                        if (!e.reverse(e.forward(sender, "fwd.example.net").address()).recipient().orElse("").equals(sender)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eximNativeRoundTripAndAge() {
        EximNativeSrs exim = new EximNativeSrs("tops3cr3t", NOON);
        String a = exim.encode("Alice.Smith@Example.COM", "fwd.example.net");
        assertThat(a).isEqualTo("SRS0=0a22=nr=Example.COM=Alice.Smith@fwd.example.net");
        assertThat(exim.inbound(a).recipient()).contains("alice.smith@example.com");
        assertThat(new EximNativeSrs("tops3cr3t", SrsVectorsTest.noonOf(DAY + 11)).inbound(a).status()).isEqualTo(SrsStatus.EXPIRED);
        assertThat(new EximNativeSrs("other", NOON).inbound(a).status()).isEqualTo(SrsStatus.BAD_HASH);
        assertThat(exim.inbound("alice@example.com").status()).isEqualTo(SrsStatus.NOT_SRS);
        assertThat(exim.encode("", "fwd.example.net")).isEmpty();
    }
}
