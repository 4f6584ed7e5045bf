package org.jamesexim.dcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jamesexim.common.lookup.FileLookup;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's multipleip_sites lookup: HELO name to the client IP sent to dccifd, over a real file table. */
class DccOverrideLookupTest {
    @TempDir
    Path dir;

    private Lookup file(String text) throws Exception {
        Path f = dir.resolve("multipleip_sites");
        Files.writeString(f, text);
        return new FileLookup("overrideClientIpLookup " + f, f, DccOverrideLookup.IP_LITERAL, Duration.ZERO, Duration.ofSeconds(5),
            m -> { }, m -> { });
    }

    @Test
    void theHeloNameOrItsWildcardGivesTheIp() throws Exception {
        try (Lookup l = file("# sites that send from many addresses\nmout.gmx.net 212.227.15.16\n*.outbound.example: [2001:DB8::1]\n")) {
            assertThat(DccOverrideLookup.forHelo(l, "MOUT.gmx.net", l.deadline()).value()).contains("212.227.15.16");
            assertThat(DccOverrideLookup.forHelo(l, " a7.outbound.example ", l.deadline()).value()).contains("[2001:DB8::1]");
            assertThat(DccOverrideLookup.forHelo(l, "other.example", l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
            assertThat(DccOverrideLookup.forHelo(l, "", l.deadline()).detail()).isEqualTo("no HELO name");
            assertThat(DccOverrideLookup.forHelo(l, null, l.deadline()).kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
        }
    }

    @Test
    void aValueThatIsNotAnIpIsRefusedWhenTheFileIsReadNamingTheLine() {
        assertThatThrownBy(() -> file("good.example 192.0.2.1\nbad.example mail.example.org\n"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("not an IP address literal");
    }

    @Test
    void aValueFromElsewhereThatIsNotAnIpIsNotUsed() {
        Lookup lies = new Lookup() { // a database row the table's own check did not see
            @Override
            public LookupResult find(String key, org.jamesexim.common.lookup.Deadline deadline) {
                return LookupResult.found("192.0.2.1\r\nhelo evil");
            }

            @Override
            public org.jamesexim.common.lookup.Deadline deadline() {
                return org.jamesexim.common.lookup.Deadline.in(Duration.ofSeconds(1));
            }

            @Override
            public String describe() {
                return "test";
            }

            @Override
            public void close() {
            }
        };
        LookupResult r = DccOverrideLookup.forHelo(lies, "x.example", lies.deadline());
        assertThat(r.kind()).isEqualTo(LookupResult.Kind.NOT_FOUND);
        assertThat(r.detail()).contains("not an IP address literal");
    }
}
