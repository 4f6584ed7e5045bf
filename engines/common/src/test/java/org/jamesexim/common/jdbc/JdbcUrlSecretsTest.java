package org.jamesexim.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The passwords of a jdbc: URL, found and hidden (SRS dburl and the JDBC lookups share this). */
class JdbcUrlSecretsTest {
    @Test
    void findsEachFormOfPasswordInAUrl() {
        assertThat(JdbcUrlSecrets.passwords("jdbc:postgresql://db/mail?user=j&password=S3cret:with:colons&ssl=true"))
            .containsExactly("S3cret:with:colons");
        assertThat(JdbcUrlSecrets.passwords("jdbc:postgresql://db/mail?sslpassword=KeyPass1&password=Other-Pw")).containsExactly("KeyPass1", "Other-Pw");
        assertThat(JdbcUrlSecrets.passwords("jdbc:mysql://jexim:My-Pw-9@db:3306/mail")).containsExactly("My-Pw-9");
        assertThat(JdbcUrlSecrets.passwords("jdbc:oracle:thin:jexim/Ora-Pw-1@//db:1521/mail")).containsExactly("Ora-Pw-1");
        assertThat(JdbcUrlSecrets.passwords("jdbc:sqlserver://db;user=j;Password=Ms-Pw-22;encrypt=true")).containsExactly("Ms-Pw-22");
        assertThat(JdbcUrlSecrets.passwords("jdbc:h2:tcp://localhost:9092/mem:x;DB_CLOSE_DELAY=-1")).isEmpty();
        assertThat(JdbcUrlSecrets.passwords(null)).isEmpty();
    }

    @Test
    void shownDropsParametersAndUserInformation() {
        assertThat(JdbcUrlSecrets.shown("jdbc:postgresql://j:Pg-Pw-1@db:5432/mail?password=x", List.of())).isEqualTo("jdbc:postgresql://db:5432/mail");
        assertThat(JdbcUrlSecrets.shown("jdbc:oracle:thin:jexim/Ora-Pw-1@//db:1521/mail", List.of())).isEqualTo("jdbc:oracle:thin://db:1521/mail");
        assertThat(JdbcUrlSecrets.shown("jdbc:h2:mem:x;PASSWORD=abcd", List.of())).isEqualTo("jdbc:h2:mem:x");
        assertThat(JdbcUrlSecrets.shown("jdbc:h2:mem:Given-Pw", List.of("Given-Pw"))).isEqualTo("jdbc:h2:mem:<hidden>");
    }

    @Test
    void redactHidesTheLongestFirstAndLeavesShortValues() {
        assertThat(JdbcUrlSecrets.redact("login failed for abcdef and abcd and abc", List.of("abcd", "abcdef", "abc")))
            .isEqualTo("login failed for <hidden> and <hidden> and abc");
        assertThat(JdbcUrlSecrets.redact(null, List.of("abcd"))).isNull();
        java.util.ArrayList<String> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertThat(JdbcUrlSecrets.redact("x", withNull)).isEqualTo("x");
    }
}
