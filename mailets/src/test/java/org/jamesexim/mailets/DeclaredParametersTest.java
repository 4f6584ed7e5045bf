package org.jamesexim.mailets;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.common.config.ParamCases;
import org.jamesexim.common.config.ParamSet;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mailet of the pack, checked from its declared parameters ({@code PARAMETERS}): a bad boolean,
 * duration, number, choice or endpoint and an unknown parameter each stop init naming the parameter (see
 * {@link ParamCases}); the same for the keys of queuefile.properties and dcc.properties.
 */
class DeclaredParametersTest {
    static final String SECRET = "declared-parameters-test-secret-0123";

    @TempDir
    static Path dir;

    static DNSService dns() {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class}, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return "no DNS";
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static DynamicContainer mailet(String name, Supplier<Mailet> factory, ParamSet params, Map<String, String> base) {
        return mailet(name, factory, params, base, true);
    }

    private static DynamicContainer mailet(String name, Supplier<Mailet> factory, ParamSet params, Map<String, String> base,
                                           boolean baseStarts) {
        // SRS database parameters are taken only with dburl (H2 in memory: nothing connects at init)
        // so are the lookup parameters with their lookup (ParamCases.lookupCompanions)
        java.util.function.Function<String, Map<String, String>> companions = n -> n.startsWith("db") && !n.equals("dburl")
            ? Map.of("dburl", "jdbc:h2:mem:declared") : ParamCases.lookupCompanions(n);
        return DynamicContainer.dynamicContainer(name, ParamCases.of(name, params, base, baseStarts, companions, values -> {
            FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName(name)
                .mailetContext(FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.test")).build());
            values.forEach(b::setProperty);
            Mailet m = factory.get();
            m.init(b.build());
            m.destroy(); // as James: only a mailet that started is destroyed
        }));
    }

    @TestFactory
    Stream<DynamicContainer> everyMailet() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path optin = Files.writeString(dir.resolve("optin.txt"), "");
        return Stream.of(
            mailet("ArcSeal", () -> new ArcSeal(dns()), ArcSeal.PARAMETERS, Map.of("authservId", "mx.example.test")),
            mailet("ArcVerify", () -> new ArcVerify(dns()), ArcVerify.PARAMETERS, Map.of()),
            mailet("DmarcVerify", () -> new DmarcVerify(dns()), DmarcVerify.PARAMETERS, Map.of()),
            mailet("AuthenticationResults", AuthenticationResults::new, AuthenticationResults.PARAMETERS,
                Map.of("authservId", "mx.example.test")),
            mailet("SrsForward", SrsForward::new, SrsForward.PARAMETERS, Map.of("secrets", SECRET)),
            mailet("SrsReverse", SrsReverse::new, SrsReverse.PARAMETERS, Map.of("secrets", SECRET)),
            mailet("BmiRun", BmiRun::new, BmiRun.PARAMETERS, Map.of()),
            mailet("BmiOptinLookup", () -> new BmiOptinLookup(null), BmiOptinLookup.PARAMETERS, Map.of("optinLookup", optin.toString())),
            mailet("BmiAddHeaders", BmiAddHeaders::new, BmiAddHeaders.PARAMETERS, Map.of()),
            mailet("BmiToAltLocation", () -> new BmiToAltLocation(null), BmiToAltLocation.PARAMETERS, Map.of()),
            mailet("QueueFile", QueueFile::new, QueueFile.PARAMETERS, Map.of("directory", out.toString())),
            mailet("DsnInfoBounce", () -> new DsnInfoBounce(dns()), DsnInfoBounce.PARAMETERS, Map.of()),
            // needs James's delivery machinery to start; its own parameters are checked before RemoteDelivery's init
            mailet("DsnInfoRemoteDelivery", () -> new DsnInfoRemoteDelivery(dns(), null, null, null), DsnInfoRemoteDelivery.PARAMETERS,
                Map.of("bounceProcessor", "bounces"), false),
            mailet("AddPackHeader", AddPackHeader::new, AddPackHeader.PARAMETERS, Map.of()));
    }

    /** The two disagreements issue 17 found: ArcSeal took "no" for "not false", ARC's dnsTimeout refused "5s". */
    @org.junit.jupiter.api.Test
    void theGrammarsNoLongerDisagree() throws Exception {
        FakeMailetConfig no = FakeMailetConfig.builder().mailetName("s").setProperty("authservId", "mx.example.test")
            .setProperty("timestamps", "no").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ArcSeal(dns()).init(no))
            .isInstanceOf(javax.mail.MessagingException.class).hasMessageContaining("timestamps: bad value 'no'")
            .hasMessageContaining("timestamps must be true or false");
        for (String t : new String[] {"5s", "500ms", "1m", "5"}) {
            new ArcVerify(dns()).init(FakeMailetConfig.builder().mailetName("v").setProperty("dnsTimeout", t).build());
            new ArcSeal(dns()).init(FakeMailetConfig.builder().mailetName("s").setProperty("authservId", "mx.example.test")
                .setProperty("dnsTimeout", t).setProperty("timestamps", "false").build());
        }
    }

    @TestFactory
    Stream<org.junit.jupiter.api.DynamicTest> queuefileProperties() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        return ParamCases.of("queuefile.properties", QueueFileRequeue.PARAMETERS, Map.of("directory", in.toString()), true, values -> {
            String[] lines = values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            QueueFileRequeue q = new QueueFileRequeue(QueueFileHostileTest.factory(QueueFileHostileTest.capturing(new ArrayList<>())),
                QueueFileHostileTest.properties(lines));
            try {
                q.start();
            } finally {
                q.stop();
            }
        });
    }

    @TestFactory
    Stream<org.junit.jupiter.api.DynamicTest> dccProperties() {
        // DccService reads conf/dcc.properties when Guice makes it; dccifd is not asked then
        return ParamCases.of("dcc.properties", DccService.PARAMETERS, Map.of(), true, values -> {
            java.util.Properties p = new java.util.Properties();
            p.putAll(values);
            new DccService(p);
        });
    }
}
