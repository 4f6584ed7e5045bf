package org.jamesexim.it.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.james.utils.DataProbeImpl;
import org.jamesexim.it.CaptureSmtpServer;
import org.jamesexim.it.JamesHarness;

/**
 * The SRS examples ({@code james-config/examples/srs-*.xml}) booted in a real James 3.8.1 the way the SRS end-to-end
 * tests need them: {@code conf/srs-secrets} (mode 0600) holding the test's fresh secrets, remote mail relayed to
 * {@link #offSite} (a capturing SMTP server standing for the Internet), 192.0.2.0/24 instead of 127.0.0.0/8 as
 * {@code authorizedAddresses} (so the test's own connections come from outside), and {@code alias@example.test}
 * forwarded to {@code friend@remote.test}.
 */
final class SrsJames implements AutoCloseable {
    static final String SECRETS_LINE = "<secretsFile>file://conf/srs-secrets</secretsFile>";
    final CaptureSmtpServer offSite;
    final Path home;
    final JamesHarness james;

    /** A random secret of 32 octets (base64), never one of the docs'. */
    static String fresh() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Boots the examples.
     *
     * @param secrets the lines of conf/srs-secrets (the first signs)
     * @param confFiles more files of conf/ (name to text), written before the boot
     * @param mailets changes to the example mailetcontainer.xml
     * @param smtp changes to the example smtpserver.xml
     */
    static SrsJames start(String[] secrets, Map<String, String> confFiles, UnaryOperator<String> mailets, UnaryOperator<String> smtp)
            throws Exception {
        CaptureSmtpServer offSite = new CaptureSmtpServer();
        Path home = Files.createTempDirectory("jexim-srs-e2e");
        try {
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path file = conf.resolve("srs-secrets");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "# the first signs, all verify\n" + String.join("\n", secrets) + "\n");
            for (Map.Entry<String, String> f : confFiles.entrySet()) {
                Files.writeString(conf.resolve(f.getKey()), f.getValue());
            }
            Path examples = JamesHarness.defaultConfigDir().resolve("examples");
            String mailetXml = mailets.apply(Files.readString(examples.resolve("srs-mailetcontainer.xml"))
                .replace("<!-- srs-test: gateway -->", "<gateway>127.0.0.1</gateway><gatewayPort>" + offSite.port() + "</gatewayPort>"));
            String smtpXml = smtp.apply(Files.readString(examples.resolve("srs-smtpserver.xml"))
                .replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>", "<authorizedAddresses>192.0.2.0/24</authorizedAddresses>"));
            assertThat(mailetXml).contains("<gatewayPort>").contains(SECRETS_LINE).doesNotContain("<secrets>");
            assertThat(smtpXml).contains("192.0.2.0/24").contains(SECRETS_LINE).doesNotContain("<secrets>");
            JamesHarness james = JamesHarness.builder().workingDirectory(home)
                .config("mailetcontainer.xml", mailetXml).config("smtpserver.xml", smtpXml).start();
            james.server().getProbe(DataProbeImpl.class).addAddressMapping("alias", JamesHarness.DOMAIN, "friend@remote.test");
            return new SrsJames(offSite, home, james);
        } catch (Exception | AssertionError e) {
            offSite.close();
            JamesHarness.deleteTree(home);
            throw e;
        }
    }

    private SrsJames(CaptureSmtpServer offSite, Path home, JamesHarness james) {
        this.offSite = offSite;
        this.home = home;
        this.james = james;
    }

    @Override
    public void close() throws Exception {
        try {
            james.close();
        } finally {
            offSite.close();
            JamesHarness.deleteTree(home);
        }
    }
}
