package org.jamesexim.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.jamesexim.common.Endpoint;
import org.junit.jupiter.api.Test;

class ParamSetTest {
    static final Param<Boolean> FORCE = Param.bool("force", false);
    static final Param<Duration> TIMEOUT = Param.duration("timeout", "5s").atMost("5m");
    static final Param<Duration> DB_TIMEOUT = Param.duration("dbtimeout", "5").between("1s", "60s");
    static final Param<Duration> DELAY = Param.duration("delay", "0s").allowZero();
    static final Param<Integer> RETRIES = Param.integer("retries", 5, 0, 100);
    static final Param<String> MODE = Param.choice("mode", "open", "open", "closed");
    static final Param<List<String>> STATES = Param.list("states", null, Param.COLONS_COMMAS_BLANKS).allowed("pass", "fail");
    static final Param<Endpoint> SERVER = Param.endpoint("server", "127.0.0.1 11333");
    static final Param<String> SECRET = Param.custom("secret", null, s -> {
        if (s.length() < 16) {
            throw new IllegalArgumentException("too short: " + s);
        }
        return s;
    }).secret();
    static final Param<String> DIR = Param.text("directory", null).required("an absolute directory").alias("dir");
    static final ParamSet SET = ParamSet.of(FORCE, TIMEOUT, DB_TIMEOUT, DELAY, RETRIES, MODE, STATES, SERVER, SECRET, DIR);

    private static ParamValues read(String... kv) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        m.put("directory", "/tmp");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return SET.read(ParamSource.of(m));
    }

    @Test
    void defaultsWhenAbsentOrEmpty() {
        ParamValues v = read("force", " ", "timeout", "");
        assertThat(v.get(FORCE)).isFalse();
        assertThat(v.isSet(FORCE)).isFalse();
        assertThat(v.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(v.get(DB_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(v.get(DELAY)).isZero();
        assertThat(v.get(RETRIES)).isEqualTo(5);
        assertThat(v.get(MODE)).isEqualTo("open");
        assertThat(v.get(STATES)).isNull();
        assertThat(v.get(SERVER)).isEqualTo(Endpoint.tcp("127.0.0.1", 11333));
        assertThat(v.get(SECRET)).isNull();
        assertThat(v.get(DIR)).isEqualTo("/tmp");
        assertThat(v.warnings()).isEmpty();
    }

    @Test
    void oneGrammarPerKind() {
        ParamValues v = read("force", "TRUE", "timeout", "500ms", "dbtimeout", "60", "delay", "0.5", "retries", "0",
                "mode", "Closed", "states", "pass: FAIL,pass", "server", "/run/x.sock", "secret", "0123456789abcdef");
        assertThat(v.get(FORCE)).isTrue();
        assertThat(v.get(TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(v.get(DB_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.get(DELAY)).isEqualTo(Duration.ofMillis(500));
        assertThat(v.get(RETRIES)).isZero();
        assertThat(v.get(MODE)).isEqualTo("closed");
        assertThat(v.get(STATES)).containsExactly("pass", "fail", "pass");
        assertThat(v.get(SERVER).isUnix()).isTrue();
        assertThat(v.get(SECRET)).isEqualTo("0123456789abcdef");
        assertThat(read("timeout", "2m").get(TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(read("timeout", "5").get(TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        for (String bad : new String[] {"yes", "no", "1", "0", "on", "off", "maybe"}) {
            assertThatThrownBy(() -> read("force", bad)).isInstanceOf(ParamException.class)
                    .hasMessage("force: bad value '" + bad + "': force must be true or false");
        }
    }

    @Test
    void badValuesNameTheParameterAndTheValue() {
        assertThatThrownBy(() -> read("timeout", "soon")).hasMessageStartingWith("timeout: bad value 'soon': ");
        assertThatThrownBy(() -> read("timeout", "0s")).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> read("timeout", "6m")).hasMessageContaining("timeout must be at most 5m");
        assertThatThrownBy(() -> read("timeout", "99999999999999999999h")).hasMessageStartingWith("timeout: bad value");
        assertThatThrownBy(() -> read("dbtimeout", "0")).hasMessageContaining("dbtimeout must be 1..60 seconds");
        assertThatThrownBy(() -> read("delay", "-1s")).hasMessageStartingWith("delay: bad value '-1s'");
        assertThatThrownBy(() -> read("retries", "many")).hasMessageContaining("retries must be a whole number");
        assertThatThrownBy(() -> read("retries", "101")).hasMessageContaining("retries must be 0..100");
        assertThatThrownBy(() -> read("mode", "ajar")).hasMessage("mode: bad value 'ajar': mode must be one of open, closed");
        assertThatThrownBy(() -> read("states", "pass,maybe")).hasMessageContaining("'maybe' is not one of pass, fail");
        assertThatThrownBy(() -> read("server", "nowhere")).hasMessageStartingWith("server: bad value 'nowhere'");
        assertThatThrownBy(() -> read("force", "x\r\ny")).hasMessageStartingWith("force: bad value 'x\\r\\ny'");
        assertThatThrownBy(() -> SET.read(ParamSource.of(Map.of()))).isInstanceOf(ParamException.class)
                .hasMessage("directory: required (an absolute directory)");
    }

    @Test
    void aSecretIsNeverShown() {
        assertThatThrownBy(() -> read("secret", "hunter2")).isInstanceOf(ParamException.class)
                .hasMessage("secret: bad value (not shown): too short: ***");
        assertThat(SECRET.toString()).doesNotContain("hunter");
    }

    @Test
    void unknownParametersFailNamingThem() {
        assertThatThrownBy(() -> read("forse", "true")).isInstanceOf(ParamException.class)
                .hasMessageStartingWith("unknown parameter forse (known: dbtimeout, delay, directory, force, mode, retries, ")
                .satisfies(e -> assertThat(((ParamException) e).parameter()).isEqualTo("forse"));
        assertThatThrownBy(() -> read("b", "1", "a", "2")).hasMessageStartingWith("unknown parameters a, b (known: ");
    }

    /** A handler's own text (a stray "-->" of a nested comment) reaches us as the parameter named "". */
    @Test
    void textOutsideAnyElementIsNamedAsSuch() {
        assertThatThrownBy(() -> read("", "-->")).isInstanceOf(ParamException.class)
                .hasMessageStartingWith("unknown parameter (text outside any element) (known: ");
    }

    @Test
    void anOldNameStillWorksWithAWarning() {
        ParamValues v = SET.read(ParamSource.of(Map.of("dir", "/var")));
        assertThat(v.get(DIR)).isEqualTo("/var");
        assertThat(v.isSet(DIR)).isTrue();
        assertThat(v.warnings()).containsExactly("parameter dir is deprecated: use directory (dir will be refused in a later release)");
        assertThatThrownBy(() -> SET.read(ParamSource.of(Map.of("dir", "/var", "directory", "/tmp"))))
                .hasMessageContaining("directory and its old name dir are both given");
    }

    @Test
    void anEmptyValueMeansNoneWhereDeclaredSo() {
        Param<List<String>> strip = Param.list("strip", "A, B", Param.COMMAS_BLANKS).emptyMeansNone();
        Param<String> header = Param.text("header", "X-A").emptyMeansNone();
        ParamSet set = ParamSet.of(strip, header);
        assertThat(set.read(ParamSource.of(Map.of("strip", " ", "header", ""))).get(strip)).isEmpty();
        assertThat(set.read(ParamSource.of(Map.of("header", ""))).get(header)).isEmpty();
        assertThat(set.read(ParamSource.of(Map.of())).get(strip)).containsExactly("A", "B");
        assertThat(set.read(ParamSource.of(Map.of())).get(header)).isEqualTo("X-A");
        assertThatThrownBy(() -> FORCE.emptyMeansNone()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOldBooleanStillTakesYesAndNoWithAWarning() {
        Param<Boolean> info = Param.bool("dsnInfo", false).legacyYesNo();
        ParamSet set = ParamSet.of(info);
        ParamValues v = set.read(ParamSource.of(Map.of("dsnInfo", "Yes")));
        assertThat(v.get(info)).isTrue();
        assertThat(v.warnings()).containsExactly("parameter dsnInfo: Yes is deprecated: write true (yes, no, 1 and 0 will be refused in a later release)");
        assertThat(set.read(ParamSource.of(Map.of("dsnInfo", "no"))).get(info)).isFalse();
        assertThat(set.read(ParamSource.of(Map.of("dsnInfo", "1"))).get(info)).isTrue();
        assertThat(set.read(ParamSource.of(Map.of("dsnInfo", "0"))).get(info)).isFalse();
        assertThatThrownBy(() -> ParamSet.of(FORCE).read(ParamSource.of(Map.of("force", "1")))).hasMessageContaining("force must be true or false");
        assertThat(set.read(ParamSource.of(Map.of("dsnInfo", "true"))).warnings()).isEmpty();
        assertThatThrownBy(() -> set.read(ParamSource.of(Map.of("dsnInfo", "maybe")))).hasMessageContaining("dsnInfo must be true or false");
    }

    @Test
    void anEmptyDefaultIsAMistakeOfTheDeclaration() {
        // it would read as "no default", and the class would get null where it expects ""
        assertThatThrownBy(() -> Param.text("folder", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("folder: declare no default (null)");
    }

    @Test
    void declaredOnce() {
        assertThatThrownBy(() -> SET.with(Param.bool("force", true))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SET.with(Param.bool("dir", true))).isInstanceOf(IllegalStateException.class);
        assertThat(SET.with(Param.bool("other", true)).names()).contains("force", "other");
        assertThat(SET.knows("dir")).isTrue();
        assertThat(SET.param("dir")).isSameAs(DIR);
    }

    @Test
    void propertiesAreASource() {
        Properties p = new Properties();
        p.setProperty("directory", "/srv");
        p.setProperty("retries", "7");
        ParamValues v = SET.read(ParamSource.of(p));
        assertThat(v.get(RETRIES)).isEqualTo(7);
        assertThatThrownBy(() -> v.get(Param.bool("force", false))).isInstanceOf(IllegalStateException.class);
    }
}
