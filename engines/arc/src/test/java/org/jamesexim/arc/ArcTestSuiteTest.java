package org.jamesexim.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole public ARC test suite (ValiMail arc_test_suite, in shared/vectors/arc): all 175 validation entries
 * (171 unique ids plus the 4 shadowed duplicates) and all 17 signing tests, with DNS answered from each
 * scenario's txt-records.
 */
class ArcTestSuiteTest {

    /**
     * Where the suite (written against draft-ietf-dmarc-arc-protocol-18) expects something RFC 8617 does not allow,
     * we follow the RFC. Each such test id, with the result we give and why.
     */
    static final Map<String, String> RFC_DEVIATIONS = new LinkedHashMap<>();
    /** The state we give for each deviation (instead of the suite's). */
    static final Map<String, ArcState> RFC_RESULT = new LinkedHashMap<>();

    static {
        String cvFail = "suite expects an empty result; RFC 8617 5.2 step 3: a chain whose newest seal says cv=fail"
                + " has Chain Validation Status fail (reported as fail, as Mail::DKIM's harness does)";
        for (String id : List.of("cv_fail_i1_as_cv_fail", "cv_fail_i2_as2_fail", "cv_fail_i2_as1_fail")) {
            RFC_DEVIATIONS.put(id, cvFail);
            RFC_RESULT.put(id, ArcState.FAIL);
        }
        RFC_DEVIATIONS.put("ams_fields_c_na", "suite expects Pass for an AMS without c=, assuming relaxed/relaxed"
                + " (suite commit abd390b); RFC 8617 4.1.2 gives the AMS the semantics of DKIM-Signature, whose"
                + " missing c= means simple/simple (RFC 6376 3.5), under which this message's AMS does not verify:"
                + " fail, as Mail::DKIM says");
        RFC_RESULT.put("ams_fields_c_na", ArcState.FAIL);
    }

    static Stream<Arguments> validation() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (Map<String, Object> scenario : SuiteLoader.scenarios("arc-draft-validation-tests.yml")) {
            Map<String, String> txt = txt(scenario);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> tests = (Map<String, Map<String, Object>>) scenario.get("tests");
            tests.forEach((id, t) -> out.add(Arguments.of(id, t.get("message"), ((String) t.get("cv")).trim(), txt)));
        }
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> txt(Map<String, Object> scenario) {
        Object o = scenario.containsKey("txt-records") ? scenario.get("txt-records") : scenario.get("txt_records");
        return o == null ? Map.of() : (Map<String, String>) o;
    }

    @Test
    void loadsEveryValidationEntryIncludingTheFourDuplicatedIds() throws Exception {
        List<Object> ids = new ArrayList<>();
        validation().forEach(a -> ids.add(a.get()[0]));
        assertThat(ids).hasSize(175).doesNotHaveDuplicates();
        assertThat(ids).contains("as_fields_b_head_case", "as_fields_b_head_case_shadowed1",
                "as_fields_b_eol_wsp_shadowed1", "as_fields_b_head_unfold_shadowed1", "as_fields_b_inl_wsp_shadowed1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validation")
    void validation(String id, String message, String cv, Map<String, String> txt) {
        ArcVerifier verifier = new ArcVerifier(new StaticTxtResolver(txt));
        ArcVerification v = verifier.verify(MailMessage.parse(message.getBytes(StandardCharsets.UTF_8)),
                System.currentTimeMillis() / 1000);
        ArcState expected = RFC_RESULT.containsKey(id) ? RFC_RESULT.get(id) : ArcState.fromWord(cv);
        assertThat(expected).as("%s: an empty or unknown expectation must be a listed deviation", id).isNotNull();
        assertThat(v.state()).as("%s: reason '%s'", id, v.reason()).isEqualTo(expected);
        if (expected == ArcState.FAIL) {
            assertThat(v.reason()).as("a failure says why").isNotEmpty();
        }
    }

    static Stream<Arguments> signing() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (Map<String, Object> scenario : SuiteLoader.scenarios("arc-draft-sign-tests.yml")) {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> tests = (Map<String, Map<String, Object>>) scenario.get("tests");
            tests.forEach((id, t) -> out.add(Arguments.of(id, t, scenario)));
        }
        return out.stream();
    }

    @Test
    void hasSeventeenSigningTests() throws Exception {
        assertThat(signing().count()).isEqualTo(17);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signing")
    void signing(String id, Map<String, Object> t, Map<String, Object> scenario) {
        SigningKey key = SigningKey.parse((String) scenario.get("privatekey"), "suite key");
        ArcSealer sealer = ArcSealer.builder()
                .authservId((String) t.get("srv-id"))
                .domain((String) scenario.get("domain"))
                .selector((String) scenario.get("sel"))
                .key(key)
                .signedHeaders(Arrays.asList(((String) t.get("sig-headers")).split(":")))
                .timestamps(true)
                // the suite's README: the cv to seal with is the one stamped in the input's Authentication-Results
                .cvFromAuthResults(true)
                .build();
        MailMessage msg = MailMessage.parse(((String) t.get("message")).getBytes(StandardCharsets.UTF_8));
        ArcSealResult r = sealer.seal(msg, null, Long.parseLong((String) t.get("t")));
        String expectedAs = ((String) t.get("AS")).trim();
        if (expectedAs.isEmpty()) {
            assertThat(r.sealed()).as("no set may be added").isFalse();
            assertThat(r.reason()).contains("cv=fail");
            return;
        }
        assertThat(r.sealed()).as(r.reason()).isTrue();
        assertThat(tags(r.arcSeal().value())).isEqualTo(tags(expectedAs));
        assertThat(tags(r.arcMessageSignature().value())).isEqualTo(tags((String) t.get("AMS")));
        assertThat(AuthResults.compress(r.arcAuthenticationResults().value()))
                .isEqualTo(AuthResults.compress((String) t.get("AAR")));
        // and the sealed message verifies with the scenario's key, unless the input chain was broken
        ArcVerification v = new ArcVerifier(new StaticTxtResolver(txt(scenario)))
                .verify(MailMessage.parse(r.applyTo(msg)), Long.parseLong((String) t.get("t")));
        if ("none".equals(r.cv()) || "pass".equals(r.cv())) {
            assertThat(v.state()).as(v.reason()).isEqualTo(ArcState.PASS);
        } else {
            assertThat(v.state()).isEqualTo(ArcState.FAIL);
        }
    }

    /** Tag name → value with all whitespace removed, as the suite's reference runner compares them. */
    static Map<String, String> tags(String value) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            String p = part.replaceAll("\\s+", "");
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            m.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return new java.util.TreeMap<>(m);
    }
}
