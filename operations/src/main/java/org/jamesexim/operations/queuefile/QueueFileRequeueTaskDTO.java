package org.jamesexim.operations.queuefile;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.dto.TaskDTO;
import org.apache.james.server.task.json.dto.TaskDTOModule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@link QueueFileRequeueTask} as the task manager stores it (a distributed James): the directory's path. */
public class QueueFileRequeueTaskDTO implements TaskDTO {
    public static TaskDTOModule<QueueFileRequeueTask, QueueFileRequeueTaskDTO> module(QueueFileDirectories directories) {
        return DTOModule.forDomainObject(QueueFileRequeueTask.class)
            .convertToDTO(QueueFileRequeueTaskDTO.class)
            .toDomainObjectConverter(dto -> dto.fromDTO(directories))
            .toDTOConverter((task, type) -> new QueueFileRequeueTaskDTO(type, task.directory().directory().toString()))
            .typeName(QueueFileRequeueTask.TYPE.asString())
            .withFactory(TaskDTOModule::new);
    }

    private final String type;
    private final String directory;

    public QueueFileRequeueTaskDTO(@JsonProperty("type") String type, @JsonProperty("directory") String directory) {
        this.type = type;
        this.directory = directory;
    }

    QueueFileRequeueTask fromDTO(QueueFileDirectories directories) {
        try {
            return new QueueFileRequeueTask(
                directories.outDirectory(directory).orElseThrow(() -> new IllegalStateException("no QueueFile directory " + directory)),
                directories.incoming().orElseThrow(() -> new IllegalStateException("no incoming directory (queuefile.properties)")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String getType() {
        return type;
    }

    public String getDirectory() {
        return directory;
    }
}
