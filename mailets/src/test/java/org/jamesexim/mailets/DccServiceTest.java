package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.MailAddressFixture;
import org.apache.mailet.base.test.FakeMail;
import org.jamesexim.common.config.ParamSource;
import org.jamesexim.dcc.DccResult;
import org.junit.jupiter.api.Test;

/** conf/dcc.properties parsing and what record() writes; the exchanges themselves are tested in engines/dcc and it-tests. */
class DccServiceTest {
    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreExims() {
        DccService s = new DccService(new Properties());
        assertThat(s.settings().address().path()).isEqualTo("/usr/local/dcc/var/dccifd");
        assertThat(s.settings().options()).isEqualTo("header");
        assertThat(s.settings().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.directAddHeader()).isTrue();
    }

    @Test
    void valuesAreParsedAndBadOnesNamed() {
        DccService s = new DccService(props("dccifd_address", "127.0.0.1 10045", "dccifd_options", "header grey-off",
            "dccifd_timeout", "1500ms", "dccifd_connect_timeout", "2", "dcc_direct_add_header", "false"));
        assertThat(s.settings().address().port()).isEqualTo(10045);
        assertThat(s.settings().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.settings().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.directAddHeader()).isFalse();
        assertThatThrownBy(() -> new DccService(props("dccifd_adress", "x"))).hasMessageContaining("unknown parameter dccifd_adress (known: dcc_direct_add_header, dccifd_address, dccifd_connect_timeout, dccifd_options, dccifd_timeout)");
        assertThatThrownBy(() -> new DccService(props("dccifd_address", "127.0.0.1"))).hasMessageContaining("dccifd_address");
        assertThatThrownBy(() -> new DccService(props("dccifd_options", "header grey_off"))).hasMessageContaining("'grey_off'");
        assertThatThrownBy(() -> new DccService(props("dccifd_timeout", "soon"))).hasMessageContaining("dccifd_timeout");
        assertThatThrownBy(() -> new DccService(props("dcc_direct_add_header", "maybe"))).hasMessageContaining("dcc_direct_add_header");
    }

    /** dcc_direct_add_header took yes/no/1/0: still read for one release, each use a deprecation warning. */
    @Test
    void oldBooleanSpellingsStillReadWithAWarning() {
        assertThat(new DccService(props("dcc_direct_add_header", "no")).directAddHeader()).isFalse();
        assertThat(new DccService(props("dcc_direct_add_header", "0")).directAddHeader()).isFalse();
        assertThat(new DccService(props("dcc_direct_add_header", "yes")).directAddHeader()).isTrue();
        assertThat(DccService.PARAMETERS.read(ParamSource.of(props("dcc_direct_add_header", "no"))).warnings()).containsExactly(
            "parameter dcc_direct_add_header: no is deprecated: write false (yes, no, 1 and 0 will be refused in a later release)");
        assertThat(DccService.PARAMETERS.read(ParamSource.of(props("dcc_direct_add_header", "false"))).warnings()).isEmpty();
        assertThatThrownBy(() -> new DccService(props("dccifd_connect_timeout", "0"))).hasMessageContaining("dccifd_connect_timeout: bad value '0'");
    }

    @Test
    void recordWritesAttributesAndHeadersInEximsOrderSkippingBadExtraLines() throws Exception {
        DccService s = new DccService(new Properties());
        FakeMail mail = FakeMail.builder().name("m").recipient(MailAddressFixture.ANY_AT_JAMES)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("t"))
            .attribute(new Attribute(DccAttributes.ACL_M_DCC_ADD_HEADER, AttributeValue.of("X-Scan: clean\nnot a header\nX-Two: a\n b")))
            .build();
        DccResult r = DccResult.fromRecorded("A", "X-DCC-SIM-Metrics: h 1; Body=1 Fuz1=1\n\tFuz2=1\n");
        s.record(mail, r);
        assertThat(mail.getAttribute(DccAttributes.DCC_RESULT).get().getValue().value()).isEqualTo("A");
        assertThat(mail.getAttribute(DccAttributes.DCC_HEADER).get().getValue().value()).isEqualTo("X-DCC-SIM-Metrics: h 1; Body=1 Fuz1=1\n\tFuz2=1\n");
        assertThat(mail.getMessage().getHeader("X-DCC-SIM-Metrics")).containsExactly("h 1; Body=1 Fuz1=1\r\n\tFuz2=1");
        assertThat(mail.getMessage().getHeader("X-Scan")).containsExactly("clean");
        assertThat(mail.getMessage().getHeader("X-Two")).containsExactly("a\r\n b");
        assertThat(DccService.recorded(mail).dccResult()).isEqualTo("A");
    }

    /**
     * An X-DCC header the sender wrote is never left for a reader to take as our verdict. Before: it stayed, next
     * to ours, or alone when dccifd gave no answer (defer_ok accepting the mail).
     */
    @Test
    void forgedXDccHeadersAreRemovedWhateverTheResult() throws Exception {
        for (boolean add : new boolean[] {true, false}) {
            DccService s = new DccService(props("dcc_direct_add_header", Boolean.toString(add)));
            FakeMail deferred = FakeMail.builder().name("d").recipient(MailAddressFixture.ANY_AT_JAMES)
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("X-DCC--Metrics", "mx.example; whitelist")
                    .addHeader("x-dcc-Forged-metrics", "h 1; Body=1").setSubject("s").setText("t"))
                .build();
            s.record(deferred, DccResult.noAnswer("dccifd down"));
            assertThat(deferred.getMessage().getHeader("X-DCC--Metrics")).as("add=" + add).isNull();
            assertThat(deferred.getMessage().getHeader("X-DCC-Forged-Metrics")).as("add=" + add).isNull();
            assertThat(deferred.getMessage().getSubject()).isEqualTo("s");
        }
        DccService s = new DccService(new Properties());
        FakeMail accepted = FakeMail.builder().name("a").recipient(MailAddressFixture.ANY_AT_JAMES)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("X-DCC-SIM-Metrics", "forged; Body=0").setSubject("s").setText("t"))
            .build();
        s.record(accepted, DccResult.fromRecorded("A", "X-DCC-SIM-Metrics: sim 1; Body=many\n"));
        assertThat(accepted.getMessage().getHeader("X-DCC-SIM-Metrics")).containsExactly("sim 1; Body=many");
    }
}
