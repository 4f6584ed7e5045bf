package org.jamesexim.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.junit.jupiter.api.Test;

/** PackConfiguration reads the pack's elements as James gives them to the classes. */
class PackConfigurationTest {
    static ConfigurationProvider provider(Map<String, String> files) {
        return (component, level) -> {
            XMLConfiguration c = new XMLConfiguration();
            String xml = files.get(component);
            if (xml != null) {
                new FileHandler(c).load(new StringReader(xml));
            }
            return c;
        };
    }

    static final String SMTP = "<smtpservers>"
        + "<smtpserver><handlerchain><handler class=\"org.jamesexim.smtp.DovecotAuthHook\"><server_socket>127.0.0.1 1</server_socket></handler>"
        + "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/></handlerchain></smtpserver>"
        + "<smtpserver><handlerchain><handler class=\" org.jamesexim.smtp.DovecotAuthHook \"><server_socket>127.0.0.1 2</server_socket>"
        + "<timeout>3s</timeout></handler></handlerchain></smtpserver>"
        + "</smtpservers>";
    static final String MAILETS = "<mailetcontainer><processors>"
        + "<processor state=\"root\"><mailet match=\"org.jamesexim.matchers.Dcc=fail\" class=\"ToRepository\"><repositoryPath>memory://x/</repositoryPath></mailet>"
        + "<mailet match=\"All\" class=\"org.jamesexim.mailets.BmiRun\"><endpoint>127.0.0.1 3</endpoint><onMailetException>ignore</onMailetException></mailet></processor>"
        + "</processors></mailetcontainer>";

    @Test
    void handlersOfEveryServerInOrderWithTheirParameters() {
        PackConfiguration c = new PackConfiguration(provider(Map.of("smtpserver", SMTP)));
        List<PackConfiguration.Element> found = c.smtpHandlers("org.jamesexim.smtp.DovecotAuthHook");
        assertThat(found).hasSize(2);
        assertThat(found.get(0).where()).contains("smtpserver 1");
        assertThat(found.get(0).parameters().names()).containsExactly("server_socket");
        assertThat(found.get(1).parameters().get("server_socket")).isEqualTo("127.0.0.1 2");
        assertThat(found.get(1).parameters().get("timeout")).isEqualTo("3s");
        assertThat(c.smtpHandlers("org.jamesexim.smtp.DccHook")).isEmpty();
    }

    @Test
    void mailetsWithoutJamesOwnParametersAndMatchersByName() {
        PackConfiguration c = new PackConfiguration(provider(Map.of("mailetcontainer", MAILETS)));
        List<PackConfiguration.Element> bmi = c.mailets("org.jamesexim.mailets.BmiRun");
        assertThat(bmi).hasSize(1);
        assertThat(bmi.get(0).where()).isEqualTo("mailetcontainer.xml processor \"root\" <mailet class=\"org.jamesexim.mailets.BmiRun\">");
        assertThat(bmi.get(0).parameters().names()).containsExactly("endpoint");
        assertThat(c.matcherUsed("org.jamesexim.matchers.Dcc")).isTrue();
        assertThat(c.matcherUsed("org.jamesexim.matchers.Dc")).isFalse();
    }

    @Test
    void noFileMeansNothingConfigured() {
        PackConfiguration c = new PackConfiguration(provider(Map.of()));
        assertThat(c.smtpHandlers("org.jamesexim.smtp.DovecotAuthHook")).isEmpty();
        assertThat(c.mailets("org.jamesexim.mailets.BmiRun")).isEmpty();
        assertThat(c.matcherUsed("org.jamesexim.matchers.Dcc")).isFalse();
    }
}
