package org.jamesexim.operations;

import java.util.Set;

import javax.inject.Inject;

import org.apache.james.server.task.json.TaskExtensionModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.server.task.json.dto.TaskDTO;
import org.apache.james.server.task.json.dto.TaskDTOModule;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.jamesexim.operations.queuefile.QueueFileDirectories;
import org.jamesexim.operations.queuefile.QueueFileRequeueTaskDTO;
import org.jamesexim.operations.queuefile.QueueFileRequeueTaskDetailsDTO;

/**
 * The pack's James tasks for the task manager and WebAdmin's {@code /tasks}: how each is stored (a distributed
 * James runs a task on any node) and how its details are shown. {@code conf/extensions.properties}:
 * <pre>
 * guice.extension.task=org.jamesexim.operations.PackTaskExtensionModule
 * </pre>
 */
public class PackTaskExtensionModule implements TaskExtensionModule {
    private final QueueFileDirectories queueFileDirectories;

    @Inject
    public PackTaskExtensionModule(QueueFileDirectories queueFileDirectories) {
        this.queueFileDirectories = queueFileDirectories;
    }

    @Override
    public Set<TaskDTOModule<? extends Task, ? extends TaskDTO>> taskDTOModules() {
        return Set.of(QueueFileRequeueTaskDTO.module(queueFileDirectories));
    }

    @Override
    public Set<AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>> taskAdditionalInformationDTOModules() {
        return Set.of(QueueFileRequeueTaskDetailsDTO.MODULE);
    }
}
