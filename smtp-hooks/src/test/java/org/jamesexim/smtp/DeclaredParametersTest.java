package org.jamesexim.smtp;

import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.jamesexim.common.config.ParamCases;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.DccService;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/**
 * Every SMTP hook of the pack, checked from its declared parameters ({@code PARAMETERS}): a bad boolean,
 * duration, number, choice or endpoint and an unknown parameter each stop init naming the parameter (see
 * {@link ParamCases}). The configuration carries the {@code class} attribute, as James hands it over.
 */
class DeclaredParametersTest {
    private static DynamicContainer hook(String name, Supplier<ProtocolHandler> factory, ParamSet params, Map<String, String> base) {
        // SRS database parameters are taken only with dburl (nothing connects at init)
        // so are the lookup parameters with their lookup (ParamCases.lookupCompanions)
        java.util.function.Function<String, Map<String, String>> companions = n -> n.startsWith("db") && !n.equals("dburl")
            ? Map.of("dburl", "jdbc:h2:mem:declared") : ParamCases.lookupCompanions(n);
        return DynamicContainer.dynamicContainer(name, ParamCases.of(name, params, base, true, companions, values -> {
            BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
            c.addProperty("[@class]", "org.jamesexim.smtp." + name);
            values.forEach(c::addProperty);
            ProtocolHandler h = factory.get();
            h.init(c);
            h.destroy();
        }));
    }

    @TestFactory
    Stream<DynamicContainer> everyHook() {
        return Stream.of(
            hook("ArcVerifyHook", () -> new ArcVerifyHook(ArcVerifyHookTest.dns(false)), ArcVerifyHook.PARAMETERS, Map.of()),
            hook("DmarcVerifyHook", () -> new DmarcVerifyHook(ArcVerifyHookTest.dns(false)), DmarcVerifyHook.PARAMETERS, Map.of()),
            hook("SrsRcptHook", () -> new SrsRcptHook(SrsRcptHookTest.domains("example.test")), SrsRcptHook.PARAMETERS,
                Map.of("secrets", "declared-parameters-test-secret-0123")),
            // nothing listens on port 1: init does not connect
            hook("DovecotAuthHook", DovecotAuthHook::new, DovecotAuthHook.PARAMETERS, Map.of("server_socket", "127.0.0.1 1")),
            hook("ProtocolDetailHook", ProtocolDetailHook::new, ProtocolDetailHook.PARAMETERS, Map.of()),
            hook("PackReceivedHook", PackReceivedHook::new, PackReceivedHook.PARAMETERS, Map.of()),
            // dccifd is not asked at init
            hook("DccHook", () -> new DccHook(new DccService(new Properties())), DccHook.PARAMETERS, Map.of()));
    }
}
