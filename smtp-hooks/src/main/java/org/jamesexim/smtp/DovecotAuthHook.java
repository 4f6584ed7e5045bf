package org.jamesexim.smtp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.jamesexim.common.Endpoint;
import org.jamesexim.common.LogText;
import org.jamesexim.common.lookup.Lookup;
import org.jamesexim.common.lookup.LookupParams;
import org.jamesexim.common.lookup.LookupResult;
import org.jamesexim.dovecot.AuthRequest;
import org.jamesexim.dovecot.AuthResult;
import org.jamesexim.dovecot.DovecotAuthClient;
import org.jamesexim.dovecot.DovecotAuthConfig;
import org.jamesexim.dovecot.ServerCondition;
import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.common.config.Secret;
import org.jamesexim.common.config.SecretParam;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.PackLookups;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.mailets.metrics.PackMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP {@code AUTH PLAIN} / {@code AUTH LOGIN} checked against Dovecot's auth service, like Exim's {@code dovecot}
 * authenticator and Postfix's {@code smtpd_sasl_type = dovecot}. James runs the SASL dialogue with the client; this
 * hook sends the credentials to Dovecot as {@code PLAIN} with {@code service=smtp}, {@code lip}, {@code rip},
 * {@code lport}, {@code rport}, {@code session=} and {@code secured} (under TLS, or when the client is on the server's
 * own address, as Exim does).
 *
 * <ul>
 *   <li>Dovecot {@code OK} → {@code 235}; the session is authenticated and may relay (as James's
 *       {@code UsersRepositoryAuthHook} does). The SMTP user is Dovecot's {@code user=} ({@code server_set_id=user},
 *       Exim's {@code $auth1}) or the login as the client typed it ({@code server_set_id=login}).</li>
 *   <li>Dovecot {@code FAIL} (wrong password, unknown user) → {@code 535 5.7.8}. James's own user repository is
 *       not tried after it.</li>
 *   <li>Dovecot down, slow, garbled, or {@code FAIL code=temp_fail} → {@code 454 4.7.0} (never 535, so clients keep
 *       the password), at the latest after {@code connect_timeout + timeout}.</li>
 * </ul>
 * Passwords never reach a log line. Connections are opened on first use, so James starts without Dovecot.
 * Metrics (docs/dovecot-auth.md): the timer {@code jexim.dovecot.auth} around each request to Dovecot, the counter
 * {@code jexim.dovecot_auth.<status>} per answer ({@code ok}, {@code fail}, {@code tempfail}, {@code cancelled}).
 *
 * <p><b>Identity.</b> The session's user is what James's {@code verifyIdentity} compares MAIL FROM with: with
 * {@code <verifyIdentity>true</verifyIdentity>} in {@code smtpserver.xml} (as in the example file) an authenticated
 * client may only send as its own address. Under James's virtual hosting that is a full address, so a Dovecot
 * {@code user=} without a domain (e.g. {@code auth_username_format = %Ln}) gets {@code @<user_domain>} appended;
 * without {@code user_domain} such a user keeps the bare name, and James then refuses every MAIL FROM of its
 * session (it can never send as someone else).</p>
 *
 * The hook part of {@code james-config/examples/dovecot-smtpserver.xml}, which the tests boot (they only change
 * {@code server_socket} and {@code timeout}); the commented parameters are optional:
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.jamesexim.smtp.PackReceivedHook"/>
 *     <handler class="org.jamesexim.smtp.DovecotAuthHook">
 *         <!-- "/run/dovecot/auth-client" or "host port" (required) -->
 *         <server_socket>127.0.0.1 12345</server_socket>
 *         <!-- user (Dovecot's user=, default) | login (as the client sent it) -->
 *         <server_set_id>user</server_set_id>
 *         <connect_timeout>5s</connect_timeout>
 *         <timeout>20s</timeout>
 *         <pool_size>2</pool_size>
 *         <backoff_max>2s</backoff_max>
 *         <!-- appended as @domain to a Dovecot user= without one (auth_username_format %n), for verifyIdentity -->
 *         <user_domain>example.test</user_domain>
 *         <!-- requests waiting for Dovecot at once, default 256; more get 454 at once:
 *         <max_pending>256</max_pending> -->
 *         <!-- TLS to a TCP server_socket (a TLS terminator in front of Dovecot):
 *         <server_tls>true</server_tls>
 *         <server_tls_trust_store>/etc/james/dovecot-trust.p12</server_tls_trust_store>
 *         <server_tls_trust_store_type>PKCS12</server_tls_trust_store_type>
 *         its password, in a file (mode 0600; or _env, _property, or inline with a WARN at start):
 *         <server_tls_trust_store_password_file>/etc/james/dovecot-trust.pass</server_tls_trust_store_password_file>
 *         <server_tls_name>dovecot.example.net</server_tls_name>
 *         -->
 *         <!-- true: an OK carrying Dovecot's nologin flag is refused with 535 (Exim and Postfix accept it):
 *         <reject_nologin>false</reject_nologin> -->
 *         <!-- Exim's server_condition as a lookup, a veto after Dovecot's OK: the SMTP identity looked up in a file of
 *              "user@domain: yes" lines (or a jdbc: URL with serverConditionLookupQuery); yes/true/1 allow, no/false/0,
 *              empty or absent refuse (535), anything else or a failed lookup defers (454):
 *         <serverConditionLookup>file://conf/smtp-users</serverConditionLookup> -->
 *         <!-- or a database: <serverConditionLookup>jdbc:postgresql://db.example/mail</serverConditionLookup>
 *              <serverConditionLookupQuery>SELECT allowed FROM smtp_users WHERE login = $key</serverConditionLookupQuery>
 *              <serverConditionLookupUser>james</serverConditionLookupUser>
 *              <serverConditionLookupPasswordFile>file://conf/lookup-db.password</serverConditionLookupPasswordFile> (mode 0600; or ...Env, ...Property)
 *              <serverConditionLookupDriver>org.postgresql.Driver</serverConditionLookupDriver> (only when the URL does not find the driver)
 *              <serverConditionLookupTimeout>2s</serverConditionLookupTimeout> <serverConditionLookupConnections>4</serverConditionLookupConnections> <serverConditionLookupDeadline>5s</serverConditionLookupDeadline> -->
 *         <!-- the service= sent to Dovecot (default smtp); false: TLS without checking the certificate's name:
 *         <service>smtp</service>
 *         <server_tls_verify_hostname>true</server_tls_verify_hostname> -->
 *     </handler>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class DovecotAuthHook implements AuthHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(DovecotAuthHook.class);
    /** Dovecot's longest own delay: auth penalty (15 s max) plus the default auth_failure_delay (2 s). */
    static final Duration DOVECOT_WORST_DELAY = Duration.ofSeconds(17);

    /** Which name the authenticated session gets. */
    enum SetId { USER, LOGIN }

    /** The timer of each AUTH request to Dovecot (waiting for a connection included). */
    public static final String AUTH_TIMER = "jexim.dovecot.auth";
    /** The counters {@code jexim.dovecot_auth.<status>}: Dovecot's answer, lower case. */
    public static final String AUTH_COUNTER = "jexim.dovecot_auth";

    private final MetricFactory metrics;
    private final FileSystem fileSystem;
    private Lookup serverCondition;

    private DovecotAuthClient client;
    private SetId setId = SetId.USER;
    private boolean rejectNologin;
    private String userDomain;
    private volatile boolean warnedBareUser;

    public static final Param<Endpoint> SERVER_SOCKET = Param.endpoint("server_socket", null)
        .required("\"/run/dovecot/auth-client\" or \"host port\"");
    public static final Param<String> SERVER_SET_ID = Param.choice("server_set_id", "user", "user", "$auth1", "login");
    public static final Param<Duration> CONNECT_TIMEOUT = Param.duration("connect_timeout", "5s");
    public static final Param<Duration> TIMEOUT = Param.duration("timeout", "20s");
    public static final Param<Integer> POOL_SIZE = Param.integer("pool_size", 2, Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final Param<Integer> MAX_PENDING = Param.integer("max_pending", 256, Integer.MIN_VALUE, Integer.MAX_VALUE);
    public static final Param<Duration> BACKOFF_MAX = Param.duration("backoff_max", "5s");
    public static final Param<String> USER_DOMAIN = Param.text("user_domain", null).check(d -> {
        String domain = d.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("expected a domain such as example.test");
        }
        return domain;
    });
    public static final Param<String> SERVICE = Param.text("service", "smtp");
    public static final Param<Boolean> SERVER_TLS = Param.bool("server_tls", false).legacyYesNo();
    public static final Param<String> SERVER_TLS_TRUST_STORE = Param.text("server_tls_trust_store", null);
    public static final Param<String> SERVER_TLS_TRUST_STORE_TYPE = Param.text("server_tls_trust_store_type", "PKCS12");
    /** The trust store's password: inline, or {@code _file}, {@code _env}, {@code _property} ({@link SecretParam}). */
    public static final SecretParam SERVER_TLS_TRUST_STORE_PASSWORD = SecretParam.of("server_tls_trust_store_password");
    public static final Param<String> SERVER_TLS_NAME = Param.text("server_tls_name", null);
    public static final Param<Boolean> SERVER_TLS_VERIFY_HOSTNAME = Param.bool("server_tls_verify_hostname", true).legacyYesNo();
    public static final Param<Boolean> REJECT_NOLOGIN = Param.bool("reject_nologin", false).legacyYesNo();
    /** {@code serverConditionLookup} and its companions: Exim's {@code server_condition}, a veto after Dovecot's OK ({@link ServerCondition}). */
    public static final LookupParams SERVER_CONDITION = LookupParams.of("serverCondition");
    /** Every parameter DovecotAuthHook reads (Exim's dovecot authenticator names where Exim has one). */
    public static final ParamSet PARAMETERS = ParamSet.of(SERVER_SOCKET, SERVER_SET_ID, CONNECT_TIMEOUT, TIMEOUT, POOL_SIZE, MAX_PENDING,
        BACKOFF_MAX, USER_DOMAIN, SERVICE, SERVER_TLS, SERVER_TLS_TRUST_STORE, SERVER_TLS_TRUST_STORE_TYPE,
        SERVER_TLS_NAME, SERVER_TLS_VERIFY_HOSTNAME, REJECT_NOLOGIN).with(SERVER_TLS_TRUST_STORE_PASSWORD)
        .with(SERVER_CONDITION.params());

    /** Without James's metrics (plain tests). */
    public DovecotAuthHook() {
        this(PackMetrics.NONE);
    }

    /** Without James's FileSystem: {@code serverConditionLookup} then takes absolute paths and jdbc: URLs only. */
    public DovecotAuthHook(MetricFactory metrics) {
        this(metrics, null);
    }

    @Inject
    public DovecotAuthHook(MetricFactory metrics, FileSystem fileSystem) {
        this.metrics = metrics;
        this.fileSystem = fileSystem;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParamValues v = GlueParams.hook(PARAMETERS, config, DovecotAuthHook.class, "DovecotAuthHook: ");
        try {
            setId = v.get(SERVER_SET_ID).equals("login") ? SetId.LOGIN : SetId.USER;
            userDomain = v.get(USER_DOMAIN);
            rejectNologin = v.get(REJECT_NOLOGIN);
            serverCondition = PackLookups.open(SERVER_CONDITION, v, fileSystem, Lookup.ValueCheck.ANY, LOGGER, "DovecotAuthHook: ");
            client = new DovecotAuthClient(clientConfig(v));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("DovecotAuthHook: " + e.getMessage(), e);
        }
        LOGGER.info("Dovecot SMTP AUTH via {}", client.config());
        if (client.config().timeout().compareTo(DOVECOT_WORST_DELAY) < 0) {
            LOGGER.warn("DovecotAuthHook: timeout {} is below Dovecot's own worst-case delay ({}: 15 s penalty after "
                + "failures + 2 s auth_failure_delay); Dovecot counts every request given up as another failure of that "
                + "client IP, so such clients may get 454 until they pause", client.config().timeout(), DOVECOT_WORST_DELAY);
        }
    }

    /**
     * The Dovecot client settings of these parameters (read through {@link #PARAMETERS}); also what the pack's
     * Dovecot health check connects with, so both reach the same server the same way.
     *
     * @throws IllegalArgumentException naming the parameter
     */
    public static DovecotAuthConfig clientConfig(ParamValues v) {
        DovecotAuthConfig.Builder b = DovecotAuthConfig.builder(v.get(SERVER_SOCKET));
        String trustStore = v.get(SERVER_TLS_TRUST_STORE);
        if (trustStore != null) {
            Secret secret = SERVER_TLS_TRUST_STORE_PASSWORD.read(v, Path::of);
            String password = secret == null ? null : secret.value();
            b.trustStore(Path.of(trustStore), v.get(SERVER_TLS_TRUST_STORE_TYPE), password == null ? null : password.toCharArray());
        } else if (v.get(SERVER_TLS)) {
            b.tls(true);
        }
        if (v.get(SERVER_TLS_NAME) != null) {
            b.tlsServerName(v.get(SERVER_TLS_NAME));
        }
        b.verifyHostname(v.get(SERVER_TLS_VERIFY_HOSTNAME));
        b.connectTimeout(v.get(CONNECT_TIMEOUT));
        b.timeout(v.get(TIMEOUT));
        b.poolSize(v.get(POOL_SIZE));
        b.maxPending(v.get(MAX_PENDING));
        b.backoff(Duration.ofMillis(100), v.get(BACKOFF_MAX));
        b.service(v.get(SERVICE));
        return b.build();
    }

    /** A duration parameter of {@code config} in the pack's grammar ({@code 500ms}, {@code 5s}, {@code 2m}, bare seconds). */
    static Duration duration(Configuration config, String name, String dflt) {
        return Param.duration(name, dflt).parse(config.getString(name, null));
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        String login = username.asString();
        AuthRequest request = AuthRequest.plain(login, password).withSession(session.getSessionID());
        InetSocketAddress local = session.getLocalAddress();
        InetSocketAddress remote = session.getRemoteAddress();
        boolean secured = session.isTLSStarted();
        if (local != null && remote != null && local.getAddress() != null && remote.getAddress() != null) {
            request = request.withAddresses(local.getAddress(), local.getPort(), remote.getAddress(), remote.getPort());
            secured |= local.getAddress().equals(remote.getAddress());
        }
        request = request.withSecured(secured);
        String rip = remote != null && remote.getAddress() != null ? remote.getAddress().getHostAddress() : "?";

        AuthRequest sent = request;
        AuthResult result = PackMetrics.time(metrics, AUTH_TIMER, () -> client.authenticate(sent));
        PackMetrics.count(metrics, PackMetrics.counter(AUTH_COUNTER, result.status().name().toLowerCase(Locale.ROOT)));
        switch (result.status()) {
            case OK:
                if (rejectNologin && result.nologin()) {
                    LOGGER.info("Dovecot AUTH refused: login={} rip={} nologin reason={}", login, rip, result.reason());
                    return invalidCredentials();
                }
                String id = setId == SetId.USER ? result.user().orElse(login) : login;
                if (id.indexOf('@') < 0) {
                    if (userDomain != null) {
                        id = id + "@" + userDomain;
                    } else if (!warnedBareUser) {
                        warnedBareUser = true;
                        LOGGER.warn("Dovecot AUTH: the SMTP identity '{}' has no domain; with verifyIdentity and virtual hosting "
                            + "James refuses every MAIL FROM of such a session: set user_domain", id);
                    }
                }
                if (serverCondition != null) {
                    LookupResult c = serverCondition.find(id, serverCondition.deadline());
                    switch (ServerCondition.of(c)) {
                        case REFUSE:
                            LOGGER.info("Dovecot AUTH refused: login={} server_set_id={} rip={} by serverConditionLookup ({})", login, id, rip,
                                c.value().isPresent() ? "'" + LogText.escape(c.value().get(), 64) + "'" : "not found");
                            return invalidCredentials();
                        case DEFER:
                            LOGGER.warn("Dovecot AUTH deferred: login={} server_set_id={} rip={}: serverConditionLookup {}", login, id, rip,
                                c.failed() ? "failed: " + c.detail() : "gave a value that is neither yes nor no");
                            return temporaryFailure();
                        default:
                            break;
                    }
                }
                Username user;
                try {
                    user = Username.of(id);
                } catch (IllegalArgumentException e) {
                    LOGGER.warn("Dovecot user= '{}' is not a James user name; using the login '{}'", id, login);
                    user = username;
                }
                session.setUsername(user);
                session.setRelayingAllowed(true);
                LOGGER.info("Dovecot AUTH ok: login={} server_set_id={} rip={}", login, id, rip);
                return HookResult.builder()
                    .hookReturnCode(HookReturnCode.ok())
                    .smtpReturnCode("235")
                    .smtpDescription("2.7.0 Authentication successful")
                    .build();
            case FAIL:
                LOGGER.info("Dovecot AUTH failed: login={} rip={} code={} reason={}", login, rip,
                    result.code().orElse("-"), result.reason());
                return invalidCredentials();
            default:
                LOGGER.warn("Dovecot AUTH temporary failure: login={} rip={} reason={}", login, rip, result.reason());
                return temporaryFailure();
        }
    }

    private static HookResult temporaryFailure() {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode("454")
            .smtpDescription("4.7.0 Temporary authentication failure")
            .build();
    }

    private static HookResult invalidCredentials() {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("535")
            .smtpDescription("5.7.8 Authentication credentials invalid")
            .build();
    }

    /** OIDC (OAUTHBEARER/XOAUTH2) is not Dovecot's business here: left to other hooks. */
    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    @Override
    public void destroy() {
        if (client != null) {
            client.close();
        }
        if (serverCondition != null) {
            serverCondition.close();
        }
    }
}
