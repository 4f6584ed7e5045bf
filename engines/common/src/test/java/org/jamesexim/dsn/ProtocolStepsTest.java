package org.jamesexim.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Exim 4.99's PS= letters from the commands a client sent and the replies it got. */
class ProtocolStepsTest {
    private static String steps(String... exchange) {
        ProtocolSteps s = new ProtocolSteps();
        s.reply("220 mx.example ESMTP"); // the greeting answers no command
        for (int i = 0; i < exchange.length; i += 2) {
            s.command(exchange[i]);
            s.reply(exchange[i + 1]);
        }
        return s.letters();
    }

    @Test
    void lettersAreTheStepsInTheirOrderAsEximLogsThem() {
        assertThat(steps("EHLO james.example", "250-mx.example", "MAIL FROM:<a@b>", "250 ok")).isEqualTo("e");
        assertThat(steps("EHLO james.example", "500 no", "HELO james.example", "250 mx")).isEqualTo("eh");
        assertThat(steps("EHLO j", "250-mx", "STARTTLS", "220 go ahead", "EHLO j", "250-mx", "AUTH PLAIN AGFsaWNl", "235 ok"))
            .isEqualTo("esea");
        assertThat(steps("LHLO j", "250 ok")).isEqualTo("l");
        assertThat(steps("ehlo j", "250 ok", "starttls", "454 TLS not available")).as("TLS refused: no s").isEqualTo("e");
        assertThat(steps()).isEmpty();
    }

    @Test
    void aServerThatMakesTheClientLoopCannotGrowTheLetters() {
        ProtocolSteps s = new ProtocolSteps();
        for (int i = 0; i < 100_000; i++) {
            s.command("EHLO j");
            s.reply("500 again");
        }
        assertThat(s.letters()).hasSize(ProtocolSteps.MAX_LETTERS);
    }

    @Test
    void theLineHasEximsShapeAndOnlyPrintableText() {
        assertThat(ProtocolSteps.line("=>", List.of("a@b.example", "c@b.example"), "mx.b.example", "192.0.2.1", 25, "ese"))
            .isEqualTo("=> a@b.example,c@b.example H=mx.b.example [192.0.2.1]:25 PS=ese");
        assertThat(ProtocolSteps.line("**", List.of("x@y"), "192.0.2.9", "192.0.2.9", 2525, ""))
            .isEqualTo("** x@y H=[192.0.2.9]:2525");
        assertThat(ProtocolSteps.line("==", List.of("x@y"), "evil\r\n** forged", "192.0.2.9", 25, "e"))
            .isEqualTo("== x@y H=evil\\r\\n** forged [192.0.2.9]:25 PS=e");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add("r" + i + "@example.test");
        }
        assertThat(ProtocolSteps.line("=>", many, null, "192.0.2.1", 25, "e")).endsWith(",... (500 recipients) H=[192.0.2.1]:25 PS=e")
            .hasSizeLessThan(1000);
    }
}
