package org.jamesexim.it.operations;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain HTTP to a running James's WebAdmin, as curl would send it. */
final class WebAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String bearer;

    WebAdmin(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Sends {@code Authorization: Bearer <token>} from now on (null: none). */
    WebAdmin bearer(String token) {
        this.bearer = token;
        return this;
    }

    static final class Reply {
        final int status;
        final String body;

        Reply(int status, String body) {
            this.status = status;
            this.body = body;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path, Duration timeout) throws Exception {
        return send(builder(path, timeout).GET());
    }

    Reply get(String path) throws Exception {
        return get(path, Duration.ofSeconds(60));
    }

    Reply post(String path, byte[] body) throws Exception {
        return send(builder(path, Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply post(String path, String body) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    Reply patch(String path) throws Exception {
        return send(builder(path, Duration.ofSeconds(60)).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    Reply delete(String path) throws Exception {
        return send(builder(path, Duration.ofSeconds(60)).DELETE());
    }

    private HttpRequest.Builder builder(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private Reply send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body());
    }
}
