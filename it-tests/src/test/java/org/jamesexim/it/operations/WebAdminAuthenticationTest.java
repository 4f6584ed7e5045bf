package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

import org.jamesexim.common.testing.RsaTestKey;
import org.jamesexim.it.JamesHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With WebAdmin's JWT authentication on ({@code jwt.enabled=true}, the only authentication of WebAdmin in James
 * 3.8.1), the pack's routes are refused without a token, as James's own are ({@code WebAdminServer} puts its
 * {@code AuthenticationFilter} before every route that is not a {@code PublicRoutes}, on its base path and below),
 * refused with a token whose subject is not an admin, and answered with an admin token. {@code /healthcheck}, a
 * public route in James, stays open to monitoring.
 */
class WebAdminAuthenticationTest {
    static KeyPair keys;
    static JamesHarness james;
    static WebAdmin webAdmin;

    @BeforeAll
    static void boot() throws Exception {
        RsaTestKey key = RsaTestKey.generate(2048);
        keys = key.keyPair();
        String pem = key.publicPem();
        String webadmin = Files.readString(JamesHarness.defaultConfigDir().resolve("webadmin.properties"))
            + "\njwt.enabled=true\njwt.publickeypem.url=file://conf/webadmin-jwt.pub\n";
        james = JamesHarness.builder().withoutDemo()
            .extraConfig("webadmin.properties", webadmin)
            .extraConfig("webadmin-jwt.pub", pem)
            .start();
        webAdmin = new WebAdmin(james.webAdminPort());
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    /** An RS256 JWT for {@code sub} with the claim {@code admin} (what James's JwtFilter checks). */
    static String token(String sub, boolean admin) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String payload = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"admin\":" + admin + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(s.sign());
    }

    static final List<String> ROUTES = List.of("GET /queuefile", "GET /queuefile/messages", "GET /srs/reverse?address=x%40example.test",
        "GET /srs/forward?sender=x%40example.test", "POST /arc/verify", "POST /dcc/check?to=x%40example.test", "POST /bmi/scan?to=x%40example.test",
        "PATCH /queuefile/messages?action=requeue", "DELETE /queuefile/messages/abc");

    static WebAdmin.Reply call(String route) throws Exception {
        String[] p = route.split(" ", 2);
        switch (p[0]) {
            case "GET":
                return webAdmin.get(p[1]);
            case "POST":
                return webAdmin.post(p[1], "Subject: x\r\n\r\nbody\r\n");
            case "PATCH":
                return webAdmin.patch(p[1]);
            default:
                return webAdmin.delete(p[1]);
        }
    }

    @Test
    void everyPackRouteIsRefusedWithoutAnAdminToken() throws Exception {
        for (String route : ROUTES) {
            webAdmin.bearer(null);
            assertThat(call(route).status).as(route + " without a token").isEqualTo(401);
            webAdmin.bearer("not.a.token");
            assertThat(call(route).status).as(route + " with a bad token").isEqualTo(401);
            webAdmin.bearer(token("bob@example.test", false));
            assertThat(call(route).status).as(route + " with a token that is not an admin's").isEqualTo(401);
        }
    }

    @Test
    void anAdminTokenIsAnswered() throws Exception {
        webAdmin.bearer(token("admin@example.test", true));
        WebAdmin.Reply r = webAdmin.get("/queuefile");
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        WebAdmin.Reply srs = webAdmin.get("/srs/reverse?address=x%40example.test");
        assertThat(srs.status).as("past authentication: SRS is not configured here").isEqualTo(404);
        assertThat(srs.json().get("message").asText()).contains("SRS is not configured");
    }

    @Test
    void healthcheckStaysPublicAsInJames() throws Exception {
        webAdmin.bearer(null);
        assertThat(webAdmin.get("/healthcheck").status).isIn(200, 503);
    }
}
