package org.jamesexim.it.queuefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.jamesexim.it.JamesHarness;
import org.jamesexim.it.SmtpClient;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * queuefile's resources in a real James 3.8.1 (james-config/examples/queuefile-* with their commented fileMode,
 * fileGroup and doneMaxAge lines turned on): the files QueueFile writes are 0640 and of group mail, for a scanner of
 * that group; done/ files older than doneMaxAge are deleted at the first scan, younger ones and the message just
 * requeued stay; jexim.queuefile.written, requeued and pruned move in JMX.
 */
class QueueFileResourcesInJamesTest {
    @TempDir
    Path tmp;

    static long meter(String metric) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("metrics:name=" + metric + ",type=meters");
        return server.isRegistered(name) ? ((Number) server.getAttribute(name, "Count")).longValue() : 0;
    }

    @Test
    void filesForTheScannersGroupAndDonePrunedByAge() throws Exception {
        SpoolFormat format = SpoolFormat.JAMES;
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path after = Files.createDirectories(tmp.resolve("after"));
        Path done = Files.createDirectories(in.resolve("done"));
        FileTime monthAgo = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
        FileTime dayAgo = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
        for (String f : List.of("old-1.eml", "old-1.json", "young-1.eml", "young-1.json")) {
            Files.writeString(done.resolve(f), "x");
            Files.setLastModifiedTime(done.resolve(f), f.startsWith("old") ? monthAgo : dayAgo);
        }
        String xml = QueueFileRoundTripTest.mailetContainer(format, out, after);
        String commented = "<!-- a scanner running as another user: 0640 and a group James's user and the scanner's share";
        assertThat(xml).contains(commented).contains("<fileGroup>mail</fileGroup> -->");
        xml = xml.replace(commented, commented + " -->").replace("<fileGroup>mail</fileGroup> -->", "<fileGroup>mail</fileGroup>");
        String props = QueueFileRoundTripTest.properties(format, in);
        assertThat(props).contains("#doneMaxAge=168h");
        props = props.replace("#doneMaxAge=168h", "doneMaxAge=168h");
        long written = meter("jexim.queuefile.written");
        long requeued = meter("jexim.queuefile.requeued");
        long pruned = meter("jexim.queuefile.pruned");
        try (JamesHarness james = JamesHarness.builder().config("mailetcontainer.xml", xml).extraConfig("queuefile.properties", props)
            .extraConfig("extensions.properties", Files.readString(QueueFileRoundTripTest.examples().resolve("queuefile-extensions.properties")))
            .start()) {
            SmtpClient.Reply reply = james.send("alice@example.net", List.of("demo@example.test"),
                "From: alice@example.net\r\nTo: demo@example.test\r\nSubject: resources\r\n\r\nbody\r\n");
            assertThat(reply.code).as(reply.toString()).isEqualTo(250);
            String id = QueueFileRoundTripTest.await(SpoolDirectory.open(out, format), 1).get(0);
            for (String f : List.of(SpoolDirectory.dataFileName(format, id), SpoolDirectory.commitFileName(format, id))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f)))).as(f).isEqualTo("rw-r-----");
                assertThat(Files.getAttribute(out.resolve(f), "posix:group").toString()).as(f).isEqualTo("mail");
            }
            // the first scan (at start, on the requeuer's thread): a month-old pair is deleted, a day-old pair stays
            for (int i = 0; i < 300 && Files.exists(done.resolve("old-1.json")); i++) {
                Thread.sleep(100); // waiting for an event, not measuring time
            }
            assertThat(Files.exists(done.resolve("old-1.eml"))).isFalse();
            assertThat(Files.exists(done.resolve("old-1.json"))).isFalse();
            assertThat(Files.exists(done.resolve("young-1.eml"))).isTrue();

            Files.move(out.resolve(SpoolDirectory.dataFileName(format, id)), in.resolve(SpoolDirectory.dataFileName(format, id)), StandardCopyOption.ATOMIC_MOVE);
            Files.move(out.resolve(SpoolDirectory.commitFileName(format, id)), in.resolve(SpoolDirectory.commitFileName(format, id)), StandardCopyOption.ATOMIC_MOVE);
            assertThat(james.awaitMailbox(JamesHarness.DEMO_USER, JamesHarness.DEMO_PASSWORD, 1, Duration.ofSeconds(30))).hasSize(1);
            assertThat(Files.exists(done.resolve(SpoolDirectory.commitFileName(format, id)))).as("just requeued: kept").isTrue();

            assertThat(meter("jexim.queuefile.written") - written).as("QueueFile and the probe QueueFile after the requeue").isEqualTo(2);
            assertThat(meter("jexim.queuefile.requeued") - requeued).isEqualTo(1);
            assertThat(meter("jexim.queuefile.pruned") - pruned).isEqualTo(2);
        }
    }
}
