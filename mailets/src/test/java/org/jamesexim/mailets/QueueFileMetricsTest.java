package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * queuefile's metrics through James's MetricFactory: {@code jexim.queuefile.written} and {@code write_failed} with the
 * timer {@code jexim.queuefile.write} (QueueFile), {@code jexim.queuefile.requeued} and {@code failed} with the timer
 * {@code jexim.queuefile.scan} (QueueFileRequeue).
 */
class QueueFileMetricsTest {
    @TempDir
    Path dir;
    final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @Test
    void writtenAndFailedWritesAreCountedAndTimed() throws Exception {
        QueueFile q = new QueueFile(null, metrics);
        q.init(FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", dir.toString()).build());
        q.service(QueueFileTest.mail());
        q.service(QueueFileTest.mail());
        assertThat(metrics.countFor(QueueFile.WRITTEN)).isEqualTo(2);
        assertThat(metrics.executionTimesFor(QueueFile.WRITE_TIMER)).hasSize(2);

        Path gone = Files.createDirectories(dir.resolve("gone"));
        QueueFile broken = new QueueFile(null, metrics);
        broken.init(FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", gone.toString()).build());
        Files.delete(gone);
        assertThatThrownBy(() -> broken.service(QueueFileTest.mail())).hasMessageContaining("cannot write");
        assertThat(metrics.countFor(QueueFile.WRITE_FAILED)).isEqualTo(1);
        assertThat(metrics.countFor(QueueFile.WRITTEN)).isEqualTo(2);
        assertThat(metrics.executionTimesFor(QueueFile.WRITE_TIMER)).as("the failed write is timed too").hasSize(3);
    }

    @Test
    void requeuedAndFailedMessagesAreCountedPerScan() throws Exception {
        SpoolDirectory sd = SpoolDirectory.open(dir, SpoolFormat.JAMES);
        QueueFile q = new QueueFile(null, metrics);
        q.init(FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", dir.toString()).build());
        q.service(QueueFileTest.mail());
        q.service(QueueFileTest.mail());
        Files.write(dir.resolve(SpoolDirectory.dataFileName(SpoolFormat.JAMES, "broken-1")), "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve(SpoolDirectory.commitFileName(SpoolFormat.JAMES, "broken-1")), "{not json".getBytes(StandardCharsets.US_ASCII));
        assertThat(sd.committedIds()).hasSize(3);

        List<Mail> queued = new ArrayList<>();
        QueueFileRequeue r = new QueueFileRequeue(QueueFileHostileTest.factory(QueueFileHostileTest.capturing(queued)),
            QueueFileHostileTest.properties("directory=" + dir, "pollInterval=1h"), null, metrics);
        try {
            r.start(); // the first scan runs at once, on the requeuer's thread
            for (int i = 0; i < 600 && metrics.countFor(QueueFileRequeue.FAILED) == 0; i++) {
                Thread.sleep(50); // waiting for an event (the end of the first scan: its last counter), not measuring time
            }
            assertThat(metrics.executionTimesFor(QueueFileRequeue.SCAN_TIMER)).hasSize(1);
            assertThat(queued).hasSize(2);
            assertThat(metrics.countFor(QueueFileRequeue.REQUEUED)).isEqualTo(2);
            assertThat(metrics.countFor(QueueFileRequeue.FAILED)).isEqualTo(1);
        } finally {
            r.stop();
        }
    }
}
