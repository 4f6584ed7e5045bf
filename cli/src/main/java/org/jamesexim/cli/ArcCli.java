package org.jamesexim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.arc.DnsJavaTxtResolver;
import org.jamesexim.arc.StaticTxtResolver;
import org.jamesexim.arc.TxtResolver;

/** What the ARC commands share: the {@code --dns FILE} resolver and {@code --now}. */
final class ArcCli {
    static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);

    private ArcCli() {
    }

    /** {@code --dns FILE}: a JSON object mapping DNS names to TXT text; without it, the system's DNS. */
    static TxtResolver resolver(Args a) {
        String file = a.get("dns", null);
        if (file == null) {
            return new DnsJavaTxtResolver(DNS_TIMEOUT);
        }
        Path p = Paths.get(file);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UsageException("--dns " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UsageException("--dns " + file + ": must hold a JSON object {\"name\": \"TXT text\", ...}");
        }
        Map<String, String> records = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new UsageException("--dns " + file + ": the value for " + e.getKey() + " must be a string");
            }
            records.put(e.getKey(), e.getValue().asText());
        }
        return new StaticTxtResolver(records);
    }

    static long now(Args a) {
        Long now = a.getLong("now", null);
        return now == null ? System.currentTimeMillis() / 1000L : now;
    }
}
