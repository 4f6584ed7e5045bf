package org.jamesexim.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.utils.PropertiesProvider;
import org.jamesexim.srs.JdbcSrsDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here: {@code docker/distributed/} (compose file, node Dockerfile, conf/ of distributed James
 * 3.8.1 with the pack, the services' files) is checked statically against the repository, the build and the pack's
 * sources: images and tags, mounted paths, the jar, the configuration James needs, every class the conf names, and
 * that each address in the conf is a service of the compose file on the port that service listens on.
 */
class DistributedComposeTest {
    private static final Path DOCKER = Paths.get(System.getProperty("jexim.docker.dir")).toAbsolutePath().normalize();
    private static final Path ROOT = DOCKER.getParent();
    private static final Path DIST = DOCKER.resolve("distributed");
    private static final Path CONF = DIST.resolve("conf");
    private static final List<String> NODES = List.of("james-1", "james-2");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;
    private static Document mailets;
    private static Document smtp;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (Reader r = Files.newBufferedReader(DIST.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(r);
        }
        services = (Map<String, Map<String, Object>>) compose.get("services");
        mailets = xml(CONF.resolve("mailetcontainer.xml"));
        smtp = xml(CONF.resolve("smtpserver.xml"));
    }

    // ---------------------------------------------------------------- images, nodes, mounts

    @Test
    void theStackIsJamesDistributedOwnPlusThePackServicesWithPinnedImages() {
        assertThat(services).containsKeys("james-1", "james-2", "cassandra", "rabbitmq", "opensearch", "s3",
            "postgres", "dovecot", "rspamd", "dccifd", "init", "scanner");
        // James 3.8.1's own distributed compose files use exactly these
        assertThat(image("cassandra")).isEqualTo("cassandra:3.11.10");
        assertThat(image("rabbitmq")).isEqualTo("rabbitmq:3.9.18-management");
        assertThat(image("opensearch")).isEqualTo("opensearchproject/opensearch:2.1.0");
        assertThat(image("s3")).isEqualTo("zenko/cloudserver:8.2.6");
        services.forEach((name, s) -> {
            String image = (String) s.get("image");
            assertThat(image).as("image of " + name).isNotNull().matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+");
            assertThat(image).as("image of " + name + " is pinned").doesNotEndWith(":latest");
            assertThat(s).as(name + ": no container_name, so services can be scaled and renamed").doesNotContainKey("container_name");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void bothNodesAreTheSameImageAndConfigurationWithTheirOwnNodeNameAndPorts() throws Exception {
        Set<String> nodeNames = new HashSet<>();
        Set<Object> hostPorts = new HashSet<>();
        for (String node : NODES) {
            Map<String, Object> s = services.get(node);
            assertThat(s.get("image")).isEqualTo("james-exim-pack:distributed-3.8.1");
            Map<String, Object> build = (Map<String, Object>) s.get("build");
            assertThat(DIST.resolve((String) build.get("context")).normalize()).isEqualTo(ROOT.normalize());
            assertThat(build.get("dockerfile")).isEqualTo("docker/distributed/Dockerfile");
            assertThat((List<String>) s.get("volumes")).contains("./conf:/root/conf:ro");
            nodeNames.add(String.valueOf(((Map<String, Object>) s.get("environment")).get("JEXIM_NODE")));
            for (Object p : (List<Object>) s.get("ports")) {
                String mapping = String.valueOf(p);
                String host = mapping.substring(0, mapping.lastIndexOf(':'));
                assertThat(hostPorts.add(host.contains(":") ? host.substring(host.indexOf(':') + 1) : host)).as("host port of " + p + " used once").isTrue();
            }
            assertThat(((Map<String, Object>) s.get("depends_on")).keySet())
                .containsAll(List.of("cassandra", "rabbitmq", "opensearch", "s3", "postgres", "dovecot", "rspamd", "dccifd", "init"));
        }
        assertThat(nodeNames).containsExactlyInAnyOrderElementsOf(NODES);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMountedHostPathExistsAndEveryNamedVolumeIsDeclared() {
        Set<String> declared = ((Map<String, Object>) compose.get("volumes")).keySet();
        int binds = 0;
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            for (Object v : (List<Object>) e.getValue().getOrDefault("volumes", List.of())) {
                String source = String.valueOf(v).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(DIST.resolve(source).normalize()).as(e.getKey() + ": " + v).exists();
                    assertThat(DIST.resolve(source).normalize().startsWith(ROOT)).as(e.getKey() + ": " + v + " stays in the repository").isTrue();
                    binds++;
                } else {
                    assertThat(declared).as(e.getKey() + ": named volume " + source).contains(source);
                }
            }
        }
        assertThat(binds).isGreaterThanOrEqualTo(7);
    }

    @Test
    void theNodeImageIsTheOfficialDistributedImageWithThePackJarAndTheBuildsJdbcDriver() throws Exception {
        List<String> lines = dockerfile();
        assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).collect(Collectors.toList()))
            .containsExactly("FROM apache/james:distributed-3.8.1");
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(ROOT.resolve("pack/pom.xml")));
        assertThat(m.find()).isTrue();
        String jar = m.group(1) + ".jar";
        assertThat(lines).contains("COPY pack/target/" + jar + " /root/extensions-jars/" + jar);
        for (String copy : lines.stream().filter(l -> l.startsWith("COPY ")).collect(Collectors.toList())) {
            String source = copy.split("\\s+")[1];
            if (!source.startsWith("pack/target/")) {
                assertThat(ROOT.resolve(source)).as(copy).exists();
            }
        }
        // the JDBC driver: the version and the bytes of the one the build and the SRS tests use
        Path driver = Paths.get(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String name = driver.getFileName().toString();
        String version = name.substring("postgresql-".length(), name.length() - ".jar".length());
        String add = lines.stream().filter(l -> l.startsWith("ADD ")).findFirst().orElseThrow();
        assertThat(add.split("\\s+")).containsExactly("ADD", "--checksum=sha256:" + sha256(driver),
            "https://repo1.maven.org/maven2/org/postgresql/postgresql/" + version + "/" + name, "/root/extensions-jars/" + name);
        assertThat(Files.readString(DIST.resolve("Dockerfile"))).startsWith("# syntax=docker/dockerfile:1.6"); // ADD --checksum
    }

    // ---------------------------------------------------------------- James's configuration

    @Test
    void everyConfigurationFileDistributedJamesReadsIsThereAndParses() throws Exception {
        for (String f : List.of("cassandra.properties", "cassandra-driver.conf", "rabbitmq.properties", "opensearch.properties",
            "blob.properties", "jvm.properties", "jmap.properties", "jmx.properties", "tika.properties", "webadmin.properties",
            "extensions.properties", "mailetcontainer.xml", "mailrepositorystore.xml", "smtpserver.xml", "imapserver.xml",
            "domainlist.xml", "dnsservice.xml", "usersrepository.xml", "recipientrewritetable.xml", "listeners.xml",
            "logback.xml", "dcc.properties", "queuefile.properties")) {
            assertThat(CONF.resolve(f)).as(f).isRegularFile();
        }
        try (Stream<Path> files = Files.list(CONF)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".xml")).collect(Collectors.toList())) {
                assertThat(xml(p).getDocumentElement()).as(p.toString()).isNotNull();
            }
        }
        assertThat(props("jvm.properties").getProperty("config.file")).isEqualTo("/root/conf/cassandra-driver.conf");
        assertThat(Files.readString(CONF.resolve("cassandra-driver.conf"))).contains("LWT {", "CACHING {", "OPTIMISTIC_CONSISTENCY_LEVEL {", "BATCH {");
        // JMAP would require VacationMailet/JMAPFiltering and a keystore: it is off, and so nothing needs them
        assertThat(props("jmap.properties").getProperty("enabled")).isEqualTo("false");
    }

    @Test
    void mailRepositoriesAreInCassandraSoEveryNodeSeesThem() throws Exception {
        assertThat(xml(CONF.resolve("mailrepositorystore.xml")).getElementsByTagName("defaultProtocol").item(0).getTextContent()).isEqualTo("cassandra");
        List<String> urls = new ArrayList<>();
        for (String tag : List.of("repositoryPath", "errorRepository")) {
            NodeList nl = mailets.getElementsByTagName(tag);
            for (int i = 0; i < nl.getLength(); i++) {
                urls.add(nl.item(i).getTextContent().trim());
            }
        }
        assertThat(urls).hasSizeGreaterThan(5).allMatch(u -> u.startsWith("cassandra://var/mail/"), "a cassandra:// repository");
        // the bcc check James runs at startup
        assertThat(mailet("transport", "RemoveMimeHeader")).isNotNull();
    }

    @Test
    void everyClassTheConfNamesExistsInThePackSourcesOrInJames() throws Exception {
        Set<String> named = new TreeSet<>();
        NodeList ms = mailets.getElementsByTagName("mailet");
        for (int i = 0; i < ms.getLength(); i++) {
            Element e = (Element) ms.item(i);
            named.add("mailet:" + e.getAttribute("class"));
            named.add("matcher:" + e.getAttribute("match").split("=", 2)[0]);
        }
        NodeList mt = mailets.getElementsByTagName("matcher");
        for (int i = 0; i < mt.getLength(); i++) {
            named.add("matcher:" + ((Element) mt.item(i)).getAttribute("match").split("=", 2)[0]);
        }
        NodeList hs = smtp.getElementsByTagName("handler");
        for (int i = 0; i < hs.getLength(); i++) {
            named.add("handler:" + ((Element) hs.item(i)).getAttribute("class"));
        }
        Set<String> matcherNames = new HashSet<>();
        for (int i = 0; i < mt.getLength(); i++) {
            matcherNames.add(((Element) mt.item(i)).getAttribute("name"));
        }
        int pack = 0;
        for (String n : named) {
            String kind = n.substring(0, n.indexOf(':'));
            String cls = n.substring(n.indexOf(':') + 1);
            if (cls.startsWith("org.jamesexim.")) {
                String module = cls.startsWith("org.jamesexim.mailets.") ? "mailets" : cls.startsWith("org.jamesexim.matchers.") ? "matchers" : "smtp-hooks";
                Path source = ROOT.resolve(module + "/src/main/java/" + cls.replace('.', '/') + ".java");
                assertThat(source).as(n + " in the pack's source tree").isRegularFile();
                pack++;
            } else if (kind.equals("matcher") && matcherNames.contains(cls)) {
                continue; // a composite matcher defined in the file
            } else {
                assertThat(jamesClass(kind, cls)).as(n + " is a class of James 3.8.1").isTrue();
            }
        }
        assertThat(pack).as("pack classes named in the distributed conf").isGreaterThanOrEqualTo(20);
        assertThat(Files.readString(CONF.resolve("extensions.properties")))
            .contains("guice.extension.startable=org.jamesexim.mailets.QueueFileRequeue");
        assertThat(ROOT.resolve("mailets/src/main/java/org/jamesexim/mailets/QueueFileRequeue.java")).isRegularFile();
    }

    // ---------------------------------------------------------------- addresses in the conf = services of the compose file

    @Test
    @SuppressWarnings("unchecked")
    void jamesOwnBackendsAreTheComposeServicesOnTheirPorts() throws Exception {
        String[] cassandra = props("cassandra.properties").getProperty("cassandra.nodes").split(":");
        assertThat(services).containsKey(cassandra[0]);
        assertThat(cassandra[1]).isEqualTo("9042");

        Properties rabbit = props("rabbitmq.properties");
        URI amqp = URI.create(rabbit.getProperty("uri"));
        Map<String, Object> rabbitEnv = (Map<String, Object>) services.get("rabbitmq").get("environment");
        assertThat(amqp.getScheme()).isEqualTo("amqp");
        assertThat(services).containsKey(amqp.getHost());
        assertThat(amqp.getPort()).isEqualTo(5672);
        assertThat(amqp.getUserInfo()).isEqualTo(rabbitEnv.get("RABBITMQ_DEFAULT_USER") + ":" + rabbitEnv.get("RABBITMQ_DEFAULT_PASS"));
        URI management = URI.create(rabbit.getProperty("management.uri"));
        assertThat(management.getHost()).isEqualTo(amqp.getHost());
        assertThat(management.getPort()).isEqualTo(15672);
        assertThat(image(amqp.getHost())).endsWith("-management");
        assertThat(rabbit.getProperty("management.user")).isEqualTo(rabbitEnv.get("RABBITMQ_DEFAULT_USER"));
        assertThat(rabbit.getProperty("management.password")).isEqualTo(rabbitEnv.get("RABBITMQ_DEFAULT_PASS"));

        Properties os = props("opensearch.properties");
        assertThat(services).containsKey(os.getProperty("opensearch.masterHost"));
        assertThat(os.getProperty("opensearch.port")).isEqualTo("9200");

        Properties blob = props("blob.properties");
        URI s3 = URI.create(blob.getProperty("objectstorage.s3.endPoint"));
        assertThat(blob.getProperty("implementation")).isEqualTo("s3");
        assertThat(hostsOf("s3")).contains(s3.getHost());
        assertThat(s3.getPort()).isEqualTo(8000);
        Map<String, Object> s3Env = (Map<String, Object>) services.get("s3").get("environment");
        assertThat(blob.getProperty("objectstorage.s3.accessKeyId")).isEqualTo(s3Env.get("SCALITY_ACCESS_KEY_ID"));
        assertThat(blob.getProperty("objectstorage.s3.secretKey")).isEqualTo(s3Env.get("SCALITY_SECRET_ACCESS_KEY"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void dovecotRspamdAndDccifdAreReachedByServiceAddressOnThePortsTheyListenOn() throws Exception {
        String[] dovecot = param(handler("org.jamesexim.smtp.DovecotAuthHook"), "server_socket").split("\\s+");
        assertThat(services).containsKey(dovecot[0]);
        String dovecotConf = Files.readString(DIST.resolve("dovecot/dovecot.conf"));
        assertThat(dovecotConf).containsPattern("inet_listener [a-z-]+ \\{\\s*address = \\*\\s*port = " + dovecot[1] + "\\s*\\}");
        assertThat((List<Object>) services.get(dovecot[0]).get("volumes")).contains("./dovecot:/etc/dovecot:ro");
        assertThat(dovecotConf).contains("/etc/dovecot/users");

        String[] rspamd = param(mailet("root", "org.jamesexim.mailets.BmiRun"), "endpoint").split("\\s+");
        assertThat(services).containsKey(rspamd[0]);
        assertThat(Files.readString(DIST.resolve("rspamd/local.d/worker-normal.inc"))).contains("bind_socket = \"*:" + rspamd[1] + "\";");

        String[] dcc = props("dcc.properties").getProperty("dccifd_address").split("\\s+");
        assertThat(services).containsKey(dcc[0]);
        assertThat(dcc[1]).isEqualTo("10045");
        assertThat(param(handler("org.jamesexim.smtp.DccHook"), "defer_ok")).as("the dccifd placeholder answers nothing").isEqualTo("true");
    }

    @Test
    @SuppressWarnings("unchecked")
    void srsDatabaseModeUsesTheSharedPostgresWithTheSameSecretsEverywhere() throws Exception {
        List<Element> srs = List.of(mailet("root", "org.jamesexim.mailets.SrsReverse"), mailet("relay", "org.jamesexim.mailets.SrsForward"),
            handler("org.jamesexim.smtp.SrsRcptHook"));
        Map<String, Object> env = (Map<String, Object>) services.get("postgres").get("environment");
        for (Element e : srs) {
            for (String p : List.of("secretsFile", "hashlength", "maxage", "dburl", "dbuser", "dbpasswordFile", "dbdriver", "dbmode", "dbtimeout")) {
                assertThat(param(e, p)).as(e.getAttribute("class") + " " + p).isEqualTo(param(srs.get(0), p));
            }
            URI url = URI.create(param(e, "dburl").substring("jdbc:".length()));
            assertThat(url.getScheme()).isEqualTo("postgresql");
            assertThat(services).containsKey(url.getHost());
            assertThat(url.getPort()).isEqualTo(5432);
            assertThat(url.getPath()).isEqualTo("/" + env.get("POSTGRES_DB"));
            assertThat(param(e, "dbuser")).isEqualTo(env.get("POSTGRES_USER"));
            // the password is made by init into a volume the nodes and postgres mount, never written in the configuration
            assertThat(param(e, "dbpasswordFile")).isEqualTo("/etc/james/db/password");
            assertThat(param(e, "dbdriver")).isEqualTo(org.postgresql.Driver.class.getName());
            // the secret is made by init into a volume every node mounts, never written in the configuration
            assertThat(param(e, "secretsFile")).isEqualTo("/etc/james/srs/secrets");
        }
        for (String conf : List.of("conf/mailetcontainer.xml", "conf/smtpserver.xml")) {
            assertThat(Files.readString(DIST.resolve(conf))).as(conf).doesNotContain("<dbpassword>");
        }
        assertThat(env).doesNotContainKey("POSTGRES_PASSWORD").containsEntry("POSTGRES_PASSWORD_FILE", "/run/jexim-db/password");
        assertThat((List<String>) services.get("postgres").get("volumes")).contains("db-secret:/run/jexim-db:ro");
        assertThat((List<String>) services.get("init").get("volumes")).contains("db-secret:/etc/james/db");
        for (String node : List.of("james-1", "james-2")) {
            assertThat((List<String>) services.get(node).get("volumes")).as(node).contains("db-secret:/etc/james/db:ro");
        }
        String initScript = Files.readString(DIST.resolve("init/init.sh"));
        assertThat(initScript).contains("openssl rand -base64 24 > /etc/james/db/password").contains("chown 999:999 /etc/james/db/password")
            .contains("chmod 0600 /etc/james/db/password");
        // the table the default SQL needs, created by the postgres image from the mounted init folder
        String init = Files.readString(DIST.resolve("postgres/initdb.d/01-srs.sql"));
        assertThat(init).contains(JdbcSrsDatabase.DEFAULT_CREATE + ";");
        assertThat((List<String>) services.get("postgres").get("volumes")).contains("./postgres/initdb.d:/docker-entrypoint-initdb.d:ro");
    }

    @Test
    @SuppressWarnings("unchecked")
    void queuefileWritesToTheSharedVolumeAndEveryNodeRequeuesFromItUnderItsOwnNodeName() throws Exception {
        String volume = "queuefile:/var/spool/james-queuefile";
        for (String s : List.of("james-1", "james-2", "init", "scanner")) {
            assertThat((List<String>) services.get(s).get("volumes")).as(s).contains(volume);
        }
        assertThat(param(mailet("root", "org.jamesexim.mailets.QueueFile"), "directory")).isEqualTo("/var/spool/james-queuefile/out");
        // James reads queuefile.properties with its own PropertiesProvider; ${env:JEXIM_NODE} is resolved there
        // (surefire sets JEXIM_NODE=james-1 for this JVM, as the compose file does for the node)
        assertThat(System.getenv("JEXIM_NODE")).isEqualTo("james-1");
        FileSystem fs = new FileSystem() {
            @Override
            public InputStream getResource(String url) {
                throw new UnsupportedOperationException(url);
            }

            @Override
            public File getFile(String fileURL) throws FileNotFoundException {
                return DIST.resolve(fileURL).toFile();
            }

            @Override
            public File getBasedir() {
                return DIST.toFile();
            }
        };
        org.apache.commons.configuration2.Configuration qf = new PropertiesProvider(fs, new ConfigurationPath("conf/")).getConfiguration("queuefile");
        assertThat(qf.getString("directory")).isEqualTo("/var/spool/james-queuefile/in");
        // each node claims under its own name (the compose file gives every node a different JEXIM_NODE)
        assertThat(qf.getString("node")).isEqualTo("james-1");
        assertThat(org.jamesexim.queuefile.Requeuer.isNodeName(qf.getString("node"))).isTrue();
        String init = Files.readString(DIST.resolve("init/init.sh"));
        String scanner = Files.readString(DIST.resolve("scanner/pass-through.sh"));
        assertThat(init).contains("\"$Q/out\"", "\"$Q/in\"");
        assertThat(scanner).contains("mv \"$Q/out/$id.eml\" \"$Q/in/$id.eml\" && mv \"$commit\" \"$Q/in/$id.json\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyNodeSealsArcWithTheOneKeyMadeByInit() throws Exception {
        String key = param(mailet("relay", "org.jamesexim.mailets.ArcSeal"), "key");
        assertThat(key).isEqualTo("/etc/james/arc/arc.pem");
        for (String node : NODES) {
            assertThat((List<String>) services.get(node).get("volumes")).contains("arc-keys:/etc/james/arc:ro");
        }
        assertThat((List<String>) services.get("init").get("volumes")).contains("arc-keys:/etc/james/arc");
        assertThat(Files.readString(DIST.resolve("init/init.sh"))).contains("-out " + key);
    }

    @Test
    void theReadmeAndTheDocsStartThisComposeFile() throws Exception {
        String command = "docker compose -f docker/distributed/docker-compose.yml up -d --build";
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("## Scaling out", command, "docs/distributed.md");
        assertThat(Files.readString(ROOT.resolve("docs/distributed.md"))).contains(command);
        assertThat(Files.readString(DIST.resolve("docker-compose.yml"))).contains(command);
    }

    // ---------------------------------------------------------------- helpers

    private static String image(String service) {
        return (String) services.get(service).get("image");
    }

    @SuppressWarnings("unchecked")
    private static Set<String> hostsOf(String service) {
        Set<String> hosts = new HashSet<>(Set.of(service));
        Map<String, Object> nets = (Map<String, Object>) services.get(service).getOrDefault("networks", Map.of());
        for (Object n : nets.values()) {
            if (n instanceof Map) {
                hosts.addAll((List<String>) ((Map<String, Object>) n).getOrDefault("aliases", List.of()));
            }
        }
        return hosts;
    }

    private static List<String> dockerfile() throws Exception {
        String text = Files.readString(DIST.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
        return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .map(l -> l.replaceAll("\\s+", " ")).collect(Collectors.toList());
    }

    private static Properties props(String name) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CONF.resolve(name))) {
            p.load(r);
        }
        return p;
    }

    private static Document xml(Path p) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    private static Element mailet(String processor, String cls) {
        NodeList ps = mailets.getElementsByTagName("processor");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            if (!p.getAttribute("state").equals(processor)) {
                continue;
            }
            NodeList ms = p.getElementsByTagName("mailet");
            for (int j = 0; j < ms.getLength(); j++) {
                if (((Element) ms.item(j)).getAttribute("class").equals(cls)) {
                    return (Element) ms.item(j);
                }
            }
        }
        throw new AssertionError("no mailet " + cls + " in processor " + processor);
    }

    private static Element handler(String cls) {
        NodeList hs = smtp.getElementsByTagName("handler");
        for (int i = 0; i < hs.getLength(); i++) {
            if (((Element) hs.item(i)).getAttribute("class").equals(cls)) {
                return (Element) hs.item(i);
            }
        }
        throw new AssertionError("no handler " + cls + " in smtpserver.xml");
    }

    private static String param(Element e, String name) {
        Map<String, String> children = new LinkedHashMap<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                children.put(((Element) n).getTagName(), n.getTextContent().trim());
            }
        }
        assertThat(children).as(e.getAttribute("class") + " has <" + name + ">").containsKey(name);
        return children.get(name);
    }

    /** As James's loaders: the name as given, then with James's package for that kind. */
    private static boolean jamesClass(String kind, String name) {
        Map<String, String> prefixes = new HashMap<>(Map.of("mailet", "org.apache.james.transport.mailets.",
            "matcher", "org.apache.james.transport.matchers.", "handler", ""));
        for (String candidate : List.of(name, prefixes.get(kind) + name)) {
            try {
                Class.forName(candidate, false, DistributedComposeTest.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                // next
            }
        }
        return false;
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] h = d.digest(Files.readAllBytes(p));
        StringBuilder sb = new StringBuilder();
        for (byte b : h) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
