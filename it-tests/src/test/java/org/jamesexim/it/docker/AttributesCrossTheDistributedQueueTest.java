package org.jamesexim.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * In distributed James a mail crosses RabbitMQ between the SMTP server and the mailet container (spool) and between
 * the relay processor and RemoteDelivery (outgoing), and may be stored in a cassandra:// repository. Its attributes
 * travel as JSON ({@code AttributeValue#toJson}, what James's {@code MailReferenceDTO} writes): an attribute whose
 * value has no JSON form is silently dropped there, while the memory James of the other tests keeps the object.
 *
 * <p>This lists every {@code jexim.*} attribute constant of the pack's glue classes (found by reflection, so a new
 * one fails here until its value type is stated below) and round-trips a value of the type its setter uses.</p>
 */
class AttributesCrossTheDistributedQueueTest {
    private static final Path ROOT = Paths.get(System.getProperty("jexim.docker.dir")).toAbsolutePath().normalize().getParent();

    /** A value of the type each setter stores (see the AttributeValue.of calls of the glue classes). */
    private static Map<String, AttributeValue<?>> samples() {
        Map<String, AttributeValue<?>> m = new LinkedHashMap<>();
        for (String s : new String[] {"jexim.smtp_helo", "jexim.arc_state", "jexim.arc_state_reason", "jexim.arc_domains",
            "jexim.arc_trusted_sealer", "jexim.authentication_results", "jexim.srs_orig_sender", "jexim.srs_orig_recipient", "jexim.srs_recipient",
            "jexim.srs_status", "jexim.srs_db_key", "jexim.srs_db_address", "jexim.dcc_result", "jexim.dcc_header",
            "jexim.acl_m_dcc_override_client_ip", "jexim.acl_m_dcc_add_header", "jexim.bmi_verdicts",
            "jexim.bmi_inherited_verdict", "jexim.bmi_error", "jexim.queuefile_id", "jexim.host", "jexim.host_address",
            "jexim.smtp_greeting", "jexim.helo_response", "jexim.dcc_recipients", "jexim.original_domain", "jexim.arc_ams_selector",
            "jexim.dmarc_result", "jexim.dmarc_policy", "jexim.dmarc_disposition", "jexim.dmarc_domain", "jexim.dmarc_policy_domain",
            "jexim.dmarc_override", "jexim.dmarc_reason", "jexim.dmarc_auth_result", "jexim.bmi_optin_error"}) {
            m.put(s, AttributeValue.of("value of " + s + " \u00e9\r\n"));
        }
        m.put("jexim.arc_oldest_pass", AttributeValue.of(2));
        m.put("jexim.bmi_retries", AttributeValue.of(3));
        m.put("jexim.srs_defer_count", AttributeValue.of(1));
        m.put("jexim.host_port", AttributeValue.of(25));
        m.put("jexim.bmi_optin", AttributeValue.of(Map.of("alice@example.test", AttributeValue.of("OPT1:OPT2"))));
        m.put("jexim.bmi_deliver", AttributeValue.of(Map.of("alice@example.test", AttributeValue.of(0))));
        m.put("jexim.smtp_failed_command", AttributeValue.of(Map.of("bob@example.test", AttributeValue.of("RCPT TO:<bob@example.test>"))));
        m.put("jexim.smtp_failed_reply", AttributeValue.of(Map.of("bob@example.test", AttributeValue.of("550 5.1.1 no such user"))));
        return m;
    }

    @Test
    void everyPackAttributeIsListedHere() throws Exception {
        TreeSet<String> found = new TreeSet<>();
        for (String module : new String[] {"mailets", "matchers", "smtp-hooks"}) {
            Path src = ROOT.resolve(module + "/src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
                    String cls = src.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
                    if (cls.endsWith("package-info")) {
                        continue;
                    }
                    for (Field field : Class.forName(cls, false, getClass().getClassLoader()).getDeclaredFields()) {
                        if (field.getType() == AttributeName.class && Modifier.isStatic(field.getModifiers())) {
                            field.setAccessible(true);
                            String name = ((AttributeName) field.get(null)).asString();
                            if (name.startsWith("jexim.")) {
                                found.add(name);
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).hasSizeGreaterThan(20);
        assertThat(samples().keySet()).containsExactlyInAnyOrderElementsOf(found);
    }

    @Test
    void everyPackAttributeSurvivesTheJsonOfTheRabbitMqQueue() throws Exception {
        for (Map.Entry<String, AttributeValue<?>> e : samples().entrySet()) {
            Optional<JsonNode> json = e.getValue().toJson();
            assertThat(json).as(e.getKey() + " has a JSON form (else RabbitMQ drops it)").isPresent();
            AttributeValue<?> back = AttributeValue.fromJsonString(json.get().toString());
            assertThat(back).as(e.getKey()).isEqualTo(e.getValue());
            // readers test the type: a String stays a String, an Integer an Integer, a Map a Map (James's own class)
            Class<?> type = e.getValue().value() instanceof Map ? Map.class : e.getValue().value().getClass();
            assertThat(back.value()).as(e.getKey()).isInstanceOf(type);
        }
    }
}
