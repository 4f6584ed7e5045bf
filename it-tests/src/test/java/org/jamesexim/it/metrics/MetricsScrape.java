package org.jamesexim.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jamesexim.it.JamesHarness;

/** James's WebAdmin {@code GET /metrics} (MetricsRoutes, Prometheus text) as an operator's scraper reads it. */
final class MetricsScrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MetricsScrape() {
    }

    /**
     * The sample webadmin.properties with James's MetricsRoutes added to its {@code extensions.routes} (the line an
     * operator adds: docs/configuration.md, Metric names).
     */
    static String webadminProperties() throws java.io.IOException {
        String props = java.nio.file.Files.readString(JamesHarness.defaultConfigDir().resolve("webadmin.properties"));
        String routes = "org.apache.james.webadmin.dropwizard.MetricsRoutes";
        Matcher m = Pattern.compile("(?m)^extensions\\.routes\\s*=\\s*(.*)$").matcher(props);
        if (m.find()) {
            return props.substring(0, m.end(1)) + "," + routes + props.substring(m.end(1));
        }
        return props + "\nextensions.routes=" + routes + "\n";
    }

    static String of(JamesHarness james) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + james.webAdminPort() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of one sample line {@code name value}, 0 when the metric does not exist yet. */
    static double sample(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
