package org.jamesexim.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesexim.common.testing.Prerequisites;

/**
 * The real DMARC implementations the differential tests compare with, driven through the harness scripts in
 * {@code src/test/peers}: npm mailauth's DMARC module (the ARC tests' copy, {@code .ci/install.d/30-arc.sh}),
 * Debian's python3-authheaders ({@code .ci/install.d/35-dmarc.sh}) and a real Rspamd ({@code .ci/install.d/70-bmi.sh})
 * whose spf, dkim and dmarc modules check real signatures and SPF records from a DNS server of the harness's own
 * (dkimpy signs, dnspython answers). A missing peer fails the test with one line naming its install step.
 */
enum DmarcPeers {
    MAILAUTH, AUTHHEADERS, AUTHHEADERS_DMARCBIS, RSPAMD;

    static Path dir() {
        return Paths.get("src/test/peers").toAbsolutePath();
    }

    List<String> command() {
        List<String> c = new ArrayList<>();
        if (this == MAILAUTH) {
            String mailauth = Prerequisites.require("mailauth");
            c.add(Prerequisites.require("node"));
            c.add(dir().resolve("mailauth_dmarc.js").toString());
            c.add(mailauth);
        } else if (this == RSPAMD) {
            Prerequisites.require("authheaders"); // dnspython comes with it
            Prerequisites.require("openssl");
            c.add(Prerequisites.require("dkimpy"));
            c.add(dir().resolve("rspamd_dmarc.py").toString());
            c.add(Prerequisites.require("rspamd"));
        } else {
            c.add(Prerequisites.require("authheaders"));
            c.add(dir().resolve("authheaders_dmarc.py").toString());
            if (this == AUTHHEADERS_DMARCBIS) {
                c.add("--dmarcbis");
            }
        }
        return c;
    }

    /** Runs the peer over {@code cases} (the JSON the harness reads); one result object per case, in order. */
    JsonNode run(Object cases) {
        try {
            byte[] in = new ObjectMapper().writeValueAsBytes(cases);
            Process p = new ProcessBuilder(command()).directory(dir().toFile()).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(in);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(name() + " timed out");
            }
            t.join(5000);
            assertThat(p.exitValue()).as(name() + " failed: " + err.toString(StandardCharsets.UTF_8)).isZero();
            JsonNode j = new ObjectMapper().readTree(out);
            assertThat(j.size()).as(name() + " answered every case").isEqualTo(((List<?>) cases).size());
            return j;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
