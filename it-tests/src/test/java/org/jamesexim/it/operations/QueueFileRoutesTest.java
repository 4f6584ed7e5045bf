package org.jamesexim.it.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jamesexim.cli.QueueFileCommand;
import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code /queuefile} WebAdmin routes over real HTTP in a real James 3.8.1 booting the queuefile example
 * ({@code james-config/examples/queuefile-mailetcontainer.xml}, {@code queuefile.properties},
 * {@code queuefile-extensions.properties}) with the sample {@code webadmin.properties} and {@code extensions.properties}
 * (the routes and {@code PackTaskExtensionModule}): list and show answer what {@code queuefile list|show --json} prints,
 * delete removes a message, requeue of one and the requeue task (followed through {@code /tasks/<id>/await}) hand
 * the messages to the incoming directory, from where {@code QueueFileRequeue} delivers them.
 */
class QueueFileRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path tmp;
    static Path out;
    static Path in;
    static JamesHarness james;
    static WebAdmin webAdmin;

    @BeforeAll
    static void boot() throws Exception {
        tmp = Files.createTempDirectory("jexim-qf-routes-");
        out = Files.createDirectories(tmp.resolve("out"));
        in = Files.createDirectories(tmp.resolve("in"));
        Path examples = JamesHarness.defaultConfigDir().resolve("examples");
        String container = Files.readString(examples.resolve("queuefile-mailetcontainer.xml"))
            .replace("<directory>/var/spool/james-queuefile/out</directory>", "<directory>" + out + "</directory>");
        String properties = Files.readString(examples.resolve("queuefile.properties"))
            .replace("directory=/var/spool/james-queuefile/in", "directory=" + in);
        String sampleExtensions = Files.readString(JamesHarness.defaultConfigDir().resolve("extensions.properties"));
        assertThat(sampleExtensions).contains("guice.extension.task=org.jamesexim.operations.PackTaskExtensionModule");
        assertThat(Files.readString(JamesHarness.defaultConfigDir().resolve("webadmin.properties")))
            .contains("org.jamesexim.operations.queuefile.QueueFileRoutes");
        james = JamesHarness.builder().withoutDemo()
            .config("mailetcontainer.xml", container)
            .extraConfig("queuefile.properties", properties)
            .extraConfig("extensions.properties", Files.readString(examples.resolve("queuefile-extensions.properties")) + "\n" + sampleExtensions)
            .start();
        webAdmin = new WebAdmin(james.webAdminPort());
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    static List<String> written(int count) throws Exception {
        SpoolDirectory dir = SpoolDirectory.open(out, SpoolFormat.JAMES);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dir.committedIds().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(dir.committedIds()).hasSize(count);
        return dir.committedIds();
    }

    static void send(String subject) throws Exception {
        SmtpClient.Reply r = james.send("alice@remote.test", List.of(JamesHarness.DEMO_USER),
            "From: alice@remote.test\r\nTo: demo@example.test\r\nSubject: " + subject + "\r\n\r\nqueuefile routes\r\n");
        assertThat(r.code).as(r.toString()).isEqualTo(250);
    }

    static String subject(String message) {
        return message.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow();
    }

    static JsonNode cli(String... args) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = new QueueFileCommand().run(List.of(args), System.in, new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8));
        assertThat(rc).as(e.toString(StandardCharsets.UTF_8)).isZero();
        return JSON.readTree(o.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyRouteOverHttp() throws Exception {
        for (String s : List.of("qf one", "qf two", "qf three", "qf four")) {
            send(s);
        }
        List<String> ids = new ArrayList<>(written(4));

        WebAdmin.Reply overview = webAdmin.get("/queuefile");
        assertThat(overview.status).as(overview.toString()).isEqualTo(200);
        assertThat(overview.json().get("directories").get(0).get("directory").asText()).isEqualTo(out.toString());
        assertThat(overview.json().get("directories").get(0).get("format").asText()).isEqualTo("james");
        assertThat(overview.json().get("directories").get(0).get("messages").asInt()).isEqualTo(4);
        assertThat(overview.json().get("incoming").asText()).isEqualTo(in.toString());

        WebAdmin.Reply list = webAdmin.get("/queuefile/messages");
        assertThat(list.status).as(list.toString()).isEqualTo(200);
        assertThat(list.json()).as("the CLI's JSON").isEqualTo(cli("list", out.toString(), "--json"));
        assertThat(list.json().get(0).get("sender").asText()).isEqualTo("alice@remote.test");
        assertThat(list.json().get(0).get("recipients").get(0).asText()).isEqualTo(JamesHarness.DEMO_USER);

        String first = ids.get(0);
        WebAdmin.Reply show = webAdmin.get("/queuefile/messages/" + first);
        assertThat(show.status).as(show.toString()).isEqualTo(200);
        assertThat(show.json()).as("the CLI's JSON").isEqualTo(cli("show", out.toString(), first, "--json"));
        assertThat(show.json().get("helo").asText()).isEqualTo("client.example.net");

        // refusals name what is wrong
        assertThat(webAdmin.get("/queuefile/messages/bad.id").status).isEqualTo(400);
        assertThat(webAdmin.get("/queuefile/messages/no-such-message").status).isEqualTo(404);
        WebAdmin.Reply noAction = webAdmin.patch("/queuefile/messages/" + first);
        assertThat(noAction.status).isEqualTo(400);
        assertThat(noAction.json().get("message").asText()).contains("action=requeue");
        assertThat(webAdmin.get("/queuefile/messages?directory=/elsewhere").status).isEqualTo(404);

        // delete one
        String deletedContent = new String(SpoolDirectory.open(out, SpoolFormat.JAMES).read(first).content(), StandardCharsets.UTF_8);
        WebAdmin.Reply deleted = webAdmin.delete("/queuefile/messages/" + first);
        assertThat(deleted.status).as(deleted.toString()).isEqualTo(204);
        assertThat(webAdmin.get("/queuefile/messages/" + first).status).isEqualTo(404);
        assertThat(webAdmin.delete("/queuefile/messages/" + first).status).isEqualTo(404);

        // requeue one: handed to the incoming directory, QueueFileRequeue delivers it
        String second = ids.get(1);
        WebAdmin.Reply one = webAdmin.patch("/queuefile/messages/" + second + "?action=requeue");
        assertThat(one.status).as(one.toString()).isEqualTo(200);
        assertThat(one.json().get("incoming").asText()).isEqualTo(in.toString());
        List<String> inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30));
        assertThat(inbox).hasSize(1);

        // requeue the rest as a task, followed to its end
        WebAdmin.Reply task = webAdmin.patch("/queuefile/messages?action=requeue");
        assertThat(task.status).as(task.toString()).isEqualTo(201);
        String taskId = task.json().get("taskId").asText();
        WebAdmin.Reply done = webAdmin.get("/tasks/" + taskId + "/await?timeout=30s");
        assertThat(done.status).as(done.toString()).isEqualTo(200);
        assertThat(done.json().get("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.json().get("type").asText()).isEqualTo("queuefile-requeue");
        JsonNode details = done.json().get("additionalInformation");
        assertThat(details.get("requeued").asInt()).as(done.toString()).isEqualTo(2);
        assertThat(details.get("failed").asInt()).isZero();
        assertThat(details.get("directory").asText()).isEqualTo(out.toString());
        assertThat(details.get("incoming").asText()).isEqualTo(in.toString());
        WebAdmin.Reply again = webAdmin.get("/tasks/" + taskId);
        assertThat(again.json().get("status").asText()).isEqualTo("completed");

        inbox = james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 3, Duration.ofSeconds(30));
        assertThat(inbox).hasSize(3);
        String deletedSubject = subject(deletedContent);
        List<String> subjects = new ArrayList<>(List.of("Subject: qf one", "Subject: qf two", "Subject: qf three", "Subject: qf four"));
        subjects.remove(deletedSubject);
        assertThat(String.join("\n", inbox)).contains(subjects.toArray(new String[0])).doesNotContain(deletedSubject);
        assertThat(webAdmin.get("/queuefile/messages").json()).isEmpty();
    }
}
