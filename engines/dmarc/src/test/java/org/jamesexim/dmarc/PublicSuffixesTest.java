package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.List;

import org.jamesexim.common.testing.Prerequisites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublicSuffixesTest {
    static final PublicSuffixes DEBIAN;

    static {
        try {
            DEBIAN = PublicSuffixes.file(Paths.get(Prerequisites.require("publicsuffix")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "example.com, example.com",
        "a.b.example.com, example.com",
        "com, com",
        "example.co.uk, example.co.uk",
        "mail.example.co.uk, example.co.uk",
        "co.uk, co.uk",
        "foo.bar.ck, foo.bar.ck",
        "x.foo.bar.ck, foo.bar.ck",
        "mail.www.ck, www.ck",
        "x.city.kawasaki.jp, city.kawasaki.jp",
        "a.shop.foo.kawasaki.jp, shop.foo.kawasaki.jp",
        "alice.github.io, alice.github.io",
        "x.alice.github.io, alice.github.io",
        "mail.school.pvt.k12.ma.us, school.pvt.k12.ma.us",
        "mail.example.unknowntld, example.unknowntld",
        "single, single",
        "xn--bcher-kva.example, xn--bcher-kva.example",
    })
    void guavaAndDebiansListAgree(String domain, String org) {
        assertThat(PublicSuffixes.guava().organizationalDomain(domain)).as("guava").isEqualTo(org);
        assertThat(DEBIAN.organizationalDomain(domain)).as("debian").isEqualTo(org);
    }

    @ParameterizedTest
    @CsvSource({"a.b.c.example, b.c.example", "x.y.wild.example, x.y.wild.example", "z.ok.wild.example, ok.wild.example"})
    void theListFormatsRulesWildcardsAndExceptions(String domain, String org) {
        PublicSuffixes list = PublicSuffixes.lines("test", List.of("// comment", "example", "*.wild.example",
                "!ok.wild.example", "   ", "c.example  trailing words are ignored"));
        assertThat(list.organizationalDomain(domain)).isEqualTo(org);
    }
}
