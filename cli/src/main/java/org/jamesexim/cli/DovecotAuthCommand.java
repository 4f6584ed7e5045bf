package org.jamesexim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jamesexim.common.Endpoint;
import org.jamesexim.dovecot.AuthRequest;
import org.jamesexim.dovecot.AuthResult;
import org.jamesexim.dovecot.DovecotAuthClient;
import org.jamesexim.dovecot.DovecotAuthConfig;

/**
 * {@code dovecot-auth --server-socket SOCKET [--user NAME] [--mechanism PLAIN|LOGIN] [--rip IP] [--timeout SECONDS]
 * [--tls] [--trust-store FILE.p12 --trust-store-password P] [--tls-name NAME]}: what DovecotAuthHook would get from
 * Dovecot. Without {@code --user} it prints the advertised mechanisms. The password is read from the first line of
 * standard input (never from the command line). Exit 0 OK, 1 FAIL, 75 temporary failure, 2 bad usage.
 */
public final class DovecotAuthCommand implements CliCommand {
    static final int EX_TEMPFAIL = 75;

    @Override
    public String name() {
        return "dovecot-auth";
    }

    @Override
    public String summary() {
        return "check a login against Dovecot's auth service: --server-socket SOCKET [--user NAME] (password on stdin)";
    }

    @Override
    public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(argv, Set.of("tls"), Set.of("server-socket", "user", "mechanism", "rip", "timeout",
            "trust-store", "trust-store-password", "tls-name"));
        String socket = a.get("server-socket", null);
        if (socket == null) {
            throw new UsageException("--server-socket is required (\"/run/dovecot/auth-client\" or \"host port\")");
        }
        DovecotAuthConfig config;
        try {
            DovecotAuthConfig.Builder b = DovecotAuthConfig.builder(Endpoint.parse(socket))
                .timeout(Duration.ofSeconds(a.getInt("timeout", 20))).poolSize(1);
            if (a.has("trust-store")) {
                String pw = a.get("trust-store-password", null);
                b.trustStore(Path.of(a.get("trust-store", null)), "PKCS12", pw == null ? null : pw.toCharArray());
            } else if (a.has("tls")) {
                b.tls(true);
            }
            if (a.has("tls-name")) {
                b.tlsServerName(a.get("tls-name", null));
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (DovecotAuthClient client = new DovecotAuthClient(config)) {
            String user = a.get("user", null);
            if (user == null) {
                try {
                    out.println("mechanisms: " + String.join(" ", client.mechanisms()));
                    return 0;
                } catch (IOException e) {
                    err.println("dovecot-auth: " + e.getMessage());
                    return EX_TEMPFAIL;
                }
            }
            String password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (password == null) {
                throw new UsageException("the password is read from standard input; none was given");
            }
            String mech = a.get("mechanism", "PLAIN").toUpperCase(Locale.ROOT);
            AuthRequest request;
            if ("PLAIN".equals(mech)) {
                request = AuthRequest.plain(user, password);
            } else if ("LOGIN".equals(mech)) {
                request = AuthRequest.login(user, password);
            } else {
                throw new UsageException("--mechanism must be PLAIN or LOGIN, not " + mech);
            }
            InetAddress local = InetAddress.getLoopbackAddress();
            InetAddress rip = a.has("rip") ? InetAddress.getByName(a.get("rip", null)) : local;
            AuthResult r = client.authenticate(request.withAddresses(local, 0, rip, 0));
            StringBuilder line = new StringBuilder(r.status().toString());
            r.user().ifPresent(u -> line.append(" user=").append(u));
            r.code().ifPresent(c -> line.append(" code=").append(c));
            if (r.nologin()) {
                line.append(" nologin");
            }
            if (!r.reason().isEmpty()) {
                line.append(" reason=").append(r.reason());
            }
            out.println(line);
            switch (r.status()) {
                case OK: return 0;
                case FAIL: return 1;
                default: return EX_TEMPFAIL;
            }
        }
    }
}
