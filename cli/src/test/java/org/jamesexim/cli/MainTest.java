package org.jamesexim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsCommands() {
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("version");
    }

    @Test
    void unknownCommandIsUsageError() {
        assertThat(run("nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'nope'");
    }

    @Test
    void badUsageOfACommandExitsTwoWithItsName() {
        assertThat(run("version", "extra")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("version: takes no arguments");
    }

    @Test
    void argsParseRepeatableValuedAndFlags() {
        Args a = Args.parse(List.of("--secret", "a", "--secret=b", "--always-rewrite", "--hashlength", "6", "x@y"),
            Set.of("always-rewrite"), Set.of("secret", "hashlength"));
        assertThat(a.all("secret")).containsExactly("a", "b");
        assertThat(a.has("always-rewrite")).isTrue();
        assertThat(a.getInt("hashlength", 4)).isEqualTo(6);
        assertThat(a.positional()).containsExactly("x@y");
    }
}
