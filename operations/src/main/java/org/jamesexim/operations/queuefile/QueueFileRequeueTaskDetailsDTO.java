package org.jamesexim.operations.queuefile;

import java.time.Instant;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@link QueueFileRequeueTask.Details} as {@code GET /tasks/<id>} shows them. */
public class QueueFileRequeueTaskDetailsDTO implements AdditionalInformationDTO {
    public static final AdditionalInformationDTOModule<QueueFileRequeueTask.Details, QueueFileRequeueTaskDetailsDTO> MODULE =
        DTOModule.forDomainObject(QueueFileRequeueTask.Details.class)
            .convertToDTO(QueueFileRequeueTaskDetailsDTO.class)
            .toDomainObjectConverter(dto -> new QueueFileRequeueTask.Details(dto.directory, dto.incoming, dto.requeued, dto.failed, dto.timestamp))
            .toDTOConverter((d, type) -> new QueueFileRequeueTaskDetailsDTO(type, d.getDirectory(), d.getIncoming(), d.getRequeued(),
                d.getFailed(), d.timestamp()))
            .typeName(QueueFileRequeueTask.TYPE.asString())
            .withFactory(AdditionalInformationDTOModule::new);

    private final String type;
    private final String directory;
    private final String incoming;
    private final long requeued;
    private final long failed;
    private final Instant timestamp;

    public QueueFileRequeueTaskDetailsDTO(@JsonProperty("type") String type, @JsonProperty("directory") String directory,
                                          @JsonProperty("incoming") String incoming, @JsonProperty("requeued") long requeued,
                                          @JsonProperty("failed") long failed, @JsonProperty("timestamp") Instant timestamp) {
        this.type = type;
        this.directory = directory;
        this.incoming = incoming;
        this.requeued = requeued;
        this.failed = failed;
        this.timestamp = timestamp;
    }

    @Override
    public String getType() {
        return type;
    }

    @Override
    public Instant getTimestamp() {
        return timestamp;
    }

    public String getDirectory() {
        return directory;
    }

    public String getIncoming() {
        return incoming;
    }

    public long getRequeued() {
        return requeued;
    }

    public long getFailed() {
        return failed;
    }
}
