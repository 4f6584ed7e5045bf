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

/** Every vector of shared/vectors/srs/srs-vectors.json (Mail::SRS 0.31 and Exim 4.96 output), byte for byte. */
class SrsVectorsTest {
    static JsonNode vectors() throws IOException {
        String shared = System.getProperty("shared.dir");
        assertThat(shared).as("system property shared.dir (set by the root pom)").isNotNull();
        File f = new File(shared, "vectors/srs/srs-vectors.json");
        assertThat(f).as("SRS vectors").exists();
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

    @Test
    void theVectorFileHasWhatTheReadmeSays() throws IOException {
        JsonNode all = vectors();
        assertThat(all.get("vectors").size()).isGreaterThanOrEqualTo(56);
        assertThat(all.get("exim_native_vectors").size()).isGreaterThanOrEqualTo(14);
    }
}
