package org.jamesexim.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QueueFile's fileMode and fileGroup, QueueFileRequeue's doneMaxAge: unsafe or impossible values stop James at start. */
class QueueFileResourcesTest {
    @TempDir
    Path dir;

    private QueueFile queueFile(String... kv) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("QueueFile").setProperty("directory", dir.toString());
        for (int i = 0; i < kv.length; i += 2) {
            c.setProperty(kv[i], kv[i + 1]);
        }
        QueueFile q = new QueueFile();
        q.init(c.build());
        return q;
    }

    @Test
    void aScannerOfTheGroupCanReadTheFiles() throws Exception {
        queueFile("fileMode", "0640", "fileGroup", "mail").service(QueueFileTest.mail());
        String id = SpoolDirectory.open(dir, SpoolFormat.JAMES).committedIds().get(0);
        Path eml = dir.resolve(SpoolDirectory.dataFileName(SpoolFormat.JAMES, id));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(eml))).isEqualTo("rw-r-----");
        assertThat(Files.getAttribute(eml, "posix:group").toString()).isEqualTo("mail");
    }

    @Test
    void unsafeModesAndUnknownGroupsAreRefusedAtStart() {
        assertThatThrownBy(() -> queueFile("fileMode", "0644")).isInstanceOf(MessagingException.class)
            .hasMessageStartingWith("fileMode: bad value '0644'");
        assertThatThrownBy(() -> queueFile("fileMode", "0666")).hasMessageStartingWith("fileMode:");
        assertThatThrownBy(() -> queueFile("fileGroup", "no-such-group-jexim")).hasMessage("fileGroup: no group named 'no-such-group-jexim'");
    }

    @Test
    void doneMaxAgeIsAtLeastAnHour() {
        QueueFileRequeue q = new QueueFileRequeue(QueueFileHostileTest.factory(QueueFileHostileTest.capturing(new ArrayList<>())),
            QueueFileHostileTest.properties("directory=" + dir, "doneMaxAge=30m"));
        try {
            assertThatThrownBy(q::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("doneMaxAge");
        } finally {
            q.stop();
        }
    }
}
