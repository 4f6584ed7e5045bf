package org.jamesexim.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every vector of shared/vectors/srs/srs-vectors.json (Mail::SRS 0.31 and Exim 4.96 output), byte for byte, and of
 * postsrsd-2.4.0.json (PostSRSd 2.4.0, base64url hashes): each of its forwards reverses to postsrsd's own answer, the
 * forwards whose hash has no base64url-only character are ours byte for byte, and with {@code hashAlphabet} base64url
 * all of them are.
 */
class SrsVectorsTest {
    static JsonNode vectors() throws IOException {
        String shared = System.getProperty("shared.dir");
        assertThat(shared).as("system property shared.dir (set by the root pom)").isNotNull();
        File f = new File(shared, "vectors/srs/srs-vectors.json");
        assertThat(f).as("SRS vectors").exists();
        return new ObjectMapper().readTree(f);
    }

    static JsonNode postsrsd2() throws IOException {
        File f = new File(System.getProperty("shared.dir"), "vectors/srs/postsrsd-2.4.0.json");
        assertThat(f).as("postsrsd 2.4.0 vectors").exists();
        return new ObjectMapper().readTree(f);
    }

    static Clock noonOf(long day) {
        return Clock.fixed(Instant.ofEpochSecond(day * 86400 + 43200), ZoneOffset.UTC);
    }

    /** The engine configured as the vector says; no local-part limit, as Mail::SRS has none. */
    static SrsEngine engineFor(JsonNode v) {
        List<String> secrets = new ArrayList<>();
        v.get("secrets").forEach(s -> secrets.add(s.asText()));
        SrsConfig.Builder b = SrsConfig.builder().secrets(secrets)
            .hashLength(v.get("hashlength").asInt())
            .hashMin(v.get("hashmin").asInt())
            .maxAge(v.get("maxage").asInt())
            .separator(v.get("separator").asText())
            .alwaysRewrite(v.path("always_rewrite").asBoolean(false))
            .localPartLimit(0);
        if (v.hasNonNull("scheme")) {
            b.scheme(SrsScheme.parse(v.get("scheme").asText()));
        }
        return new SrsEngine(b.build(), noonOf(v.get("now_day").asLong()));
    }

    static Stream<Arguments> srsVectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode v : vectors().get("vectors")) {
            out.add(Arguments.of(v.get("op").asText() + " " + v.get("input").asText() + " " + v.path("note").asText(""), v));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("srsVectors")
    void mailSrsVector(String name, JsonNode v) {
        SrsEngine engine = engineFor(v);
        String input = v.get("input").asText();
        String expectedOutput = v.hasNonNull("expected_output") ? v.get("expected_output").asText() : null;
        String expectedError = v.hasNonNull("expected_error") ? v.get("expected_error").asText() : null;
        if (v.get("op").asText().equals("forward")) {
            SrsForwardResult r = engine.forward(input, v.get("alias_domain").asText());
            if (expectedOutput != null) {
                assertThat(r.address()).as(r.toString()).isEqualTo(expectedOutput);
                assertThat(r.outcome()).isIn(SrsForwardResult.Outcome.REWRITTEN, SrsForwardResult.Outcome.UNCHANGED);
            } else {
                assertThat(r.outcome()).isEqualTo(SrsForwardResult.Outcome.FAILED);
                assertThat(r.error()).contains(expectedError);
            }
        } else {
            SrsReverseResult r = engine.reverse(input);
            if (expectedOutput != null) {
                assertThat(r.status()).as(r.toString()).isEqualTo(SrsStatus.VALID);
                assertThat(r.recipient()).contains(expectedOutput);
            } else {
                assertThat(r.status()).as(r.toString()).isNotEqualTo(SrsStatus.VALID);
                assertThat(r.error()).contains(expectedError);
                assertThat(r.recipient()).isEmpty();
            }
        }
    }

    static Stream<Arguments> eximVectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode v : vectors().get("exim_native_vectors")) {
            out.add(Arguments.of(v.get("op").asText() + " " + v.get("input").asText() + " day " + v.get("now_day").asText(), v));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eximVectors")
    void eximNativeVector(String name, JsonNode v) {
        EximNativeSrs exim = new EximNativeSrs(v.get("secret").asText(), noonOf(v.get("now_day").asLong()));
        String expected = v.get("output").asText();
        if (v.get("op").asText().equals("exim_srs_encode")) {
            assertThat(exim.encode(v.get("input").asText(), v.get("alias_domain").asText())).isEqualTo(expected);
        } else {
            SrsReverseResult r = exim.inbound(v.get("input").asText());
            if (expected.equals("no")) {
                assertThat(r.valid()).as(r.toString()).isFalse();
            } else if (expected.equals("yes")) {
                assertThat(r.valid()).as(r.toString()).isTrue();
                assertThat(r.recipient()).isEmpty();
            } else {
                assertThat(r.valid()).as(r.toString()).isTrue();
                assertThat("yes <" + r.recipient().orElseThrow() + ">").isEqualTo(expected);
            }
        }
    }

    static Stream<Arguments> postsrsd2Vectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode v : postsrsd2().get("vectors")) {
            out.add(Arguments.of(v.get("input").asText() + " -> " + v.get("output").asText(), v));
        }
        return out.stream();
    }

    /** The engine as postsrsd 2.4.0 ran (the file's secret, hashlength, hashmin, day; postsrsd's fixed maxage 21). */
    static SrsEngine postsrsd2Engine(SrsConfig.HashAlphabet alphabet) throws IOException {
        JsonNode all = postsrsd2();
        return new SrsEngine(SrsConfig.builder().secrets(all.get("secret").asText()).hashLength(all.get("hashlength").asInt())
            .hashMin(all.get("hashmin").asInt()).maxAge(21).hashAlphabet(alphabet).build(), noonOf(all.get("now_day").asLong()));
    }

    /** The hash field of an SRS0/SRS1 address (after the tag and separator, up to the next {@code =}). */
    static String hashOf(String address) {
        String rest = address.substring(5);
        return rest.substring(0, rest.indexOf('='));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("postsrsd2Vectors")
    void postsrsd2Vector(String name, JsonNode v) throws IOException {
        String input = v.get("input").asText();
        String output = v.get("output").asText();
        String answer = v.get("reverse_by_postsrsd").asText();
        assertThat(answer).startsWith("OK ");
        String alias = postsrsd2().get("alias_domain").asText();
        for (SrsConfig.HashAlphabet alphabet : SrsConfig.HashAlphabet.values()) {
            SrsEngine engine = postsrsd2Engine(alphabet);
            SrsReverseResult r = engine.reverse(output);
            assertThat(r.status()).as(alphabet + " " + r).isEqualTo(SrsStatus.VALID);
            assertThat(r.recipient()).as(alphabet.word()).contains(answer.substring(3));
            SrsForwardResult f = engine.forward(input, alias);
            assertThat(f.outcome()).isEqualTo(SrsForwardResult.Outcome.REWRITTEN);
            String hash = hashOf(output);
            boolean urlOnly = hash.indexOf('-') >= 0 || hash.indexOf('_') >= 0;
            if (alphabet == SrsConfig.HashAlphabet.BASE64URL || !urlOnly) {
                assertThat(f.address()).as(alphabet.word()).isEqualTo(output);
            } else {
                // the same HMAC bytes in Mail::SRS's alphabet; only the hash differs
                assertThat(f.address()).isEqualTo(output.replace(hash, hash.replace('-', '+').replace('_', '/')));
                assertThat(f.address()).isNotEqualTo(output);
            }
        }
    }

    @Test
    void thePostsrsd2FileHasWhatTheReadmeSays() throws IOException {
        JsonNode all = postsrsd2();
        int urlOnly = 0;
        for (JsonNode v : all.get("vectors")) {
            String hash = hashOf(v.get("output").asText());
            if (hash.indexOf('-') >= 0 || hash.indexOf('_') >= 0) {
                urlOnly++;
            }
        }
        assertThat(all.get("vectors").size()).isGreaterThanOrEqualTo(60);
        assertThat(urlOnly).as("hashes with a base64url-only character").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theVectorFileHasWhatTheReadmeSays() throws IOException {
        JsonNode all = vectors();
        assertThat(all.get("vectors").size()).isGreaterThanOrEqualTo(56);
        assertThat(all.get("exim_native_vectors").size()).isGreaterThanOrEqualTo(14);
    }
}
