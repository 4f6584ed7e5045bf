package org.jamesexim.operations.queuefile;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.task.Task;
import org.apache.james.task.TaskManager;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.tasks.TaskFromRequest;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.jamesexim.operations.RouteSupport;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolListing;
import org.jamesexim.queuefile.SpoolTransfer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin's hand on queuefile: the messages a {@code org.jamesexim.mailets.QueueFile} mailet wrote for the
 * scanner, listed and shown as {@code queuefile list|show --json} prints them ({@link SpoolListing}), deleted, or
 * handed to the incoming directory of {@code QueueFileRequeue} as the scanner would (one at once, all as a James
 * task). {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=org.jamesexim.operations.queuefile.QueueFileRoutes
 * </pre>
 * and, for {@code GET /tasks/<id>} to show the requeue task's counts, {@code conf/extensions.properties}:
 * <pre>
 * guice.extension.task=org.jamesexim.operations.PackTaskExtensionModule
 * </pre>
 * <ul>
 *   <li>{@code GET /queuefile}: the directories ({@code directory}, {@code format}, {@code messages}) and {@code incoming};</li>
 *   <li>{@code GET /queuefile/messages}: the messages ({@code id size sender recipients}, or {@code id error});</li>
 *   <li>{@code GET /queuefile/messages/<id>}: one message's envelope;</li>
 *   <li>{@code DELETE /queuefile/messages/<id>}: deletes it (204);</li>
 *   <li>{@code PATCH /queuefile/messages/<id>?action=requeue}: moves it to the incoming directory (200, JSON);</li>
 *   <li>{@code PATCH /queuefile/messages?action=requeue}: a task moving all of them (201, {@code {"taskId":...}}).</li>
 * </ul>
 * With several QueueFile mailets, {@code ?directory=<path>} says which directory (as {@code GET /queuefile} names it).
 * Behind WebAdmin's authentication like James's own routes. Nothing is read from a request but the id, the
 * directory (one of the configured ones) and the action.
 */
public class QueueFileRoutes implements Routes {
    public static final String BASE_PATH = "/queuefile";
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueFileRoutes.class);

    private final QueueFileDirectories directories;
    private final TaskManager taskManager;
    private final JsonTransformer json;

    @Inject
    public QueueFileRoutes(QueueFileDirectories directories, TaskManager taskManager, JsonTransformer json) {
        this.directories = directories;
        this.taskManager = taskManager;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, this::overview, json);
        service.get(BASE_PATH + "/messages", this::list, json);
        service.get(BASE_PATH + "/messages/:id", this::show, json);
        service.delete(BASE_PATH + "/messages/:id", this::delete, json);
        service.patch(BASE_PATH + "/messages/:id", this::requeueOne, json);
        TaskFromRequest requeueAll = this::requeueAllTask;
        service.patch(BASE_PATH + "/messages", requeueAll.asRoute(taskManager), json);
    }

    private Object overview(Request request, Response response) throws IOException {
        List<Map<String, Object>> dirs = new ArrayList<>();
        for (SpoolDirectory d : outDirectories()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("directory", d.directory().toString());
            m.put("format", d.format().configName());
            m.put("messages", d.committedIds().size());
            dirs.add(m);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("directories", dirs);
        o.put("incoming", incomingIfAny().map(d -> d.directory().toString()).orElse(null));
        return o;
    }

    private Object list(Request request, Response response) throws IOException {
        SpoolDirectory dir = directory(request);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String id : dir.committedIds()) {
            try {
                entries.add(SpoolListing.summary(dir.read(id)));
            } catch (IOException | RuntimeException e) {
                entries.add(SpoolListing.unreadable(id, String.valueOf(e.getMessage())));
            }
        }
        return entries;
    }

    private Object show(Request request, Response response) throws IOException {
        SpoolDirectory dir = directory(request);
        String id = request.params("id");
        checkId(dir, id);
        if (!SpoolTransfer.committed(dir, id)) {
            throw notFound(dir, id);
        }
        try {
            return SpoolListing.details(dir.read(id));
        } catch (IOException e) {
            throw ErrorResponder.builder().statusCode(HttpStatus.CONFLICT_409).type(ErrorResponder.ErrorType.WRONG_STATE)
                .message(id + " cannot be read: " + e.getMessage()).haltError();
        }
    }

    private Object delete(Request request, Response response) throws IOException {
        SpoolDirectory dir = directory(request);
        String id = request.params("id");
        checkId(dir, id);
        try {
            SpoolTransfer.delete(dir, id);
        } catch (NoSuchFileException e) {
            throw notFound(dir, id);
        }
        LOGGER.info("queuefile: {} deleted from {} through WebAdmin", id, dir.directory());
        response.status(HttpStatus.NO_CONTENT_204);
        return "";
    }

    private Object requeueOne(Request request, Response response) throws IOException {
        requireRequeueAction(request);
        SpoolDirectory dir = directory(request);
        SpoolDirectory incoming = incoming();
        String id = request.params("id");
        checkId(dir, id);
        try {
            SpoolTransfer.move(dir, id, incoming);
        } catch (NoSuchFileException e) {
            throw notFound(dir, id);
        } catch (IOException e) {
            throw ErrorResponder.builder().statusCode(HttpStatus.CONFLICT_409).type(ErrorResponder.ErrorType.WRONG_STATE)
                .message(id + " cannot be requeued: " + e.getMessage()).haltError();
        }
        LOGGER.info("queuefile: {} handed from {} to {} through WebAdmin", id, dir.directory(), incoming.directory());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("directory", dir.directory().toString());
        r.put("incoming", incoming.directory().toString());
        return r;
    }

    private Task requeueAllTask(Request request) throws IOException {
        requireRequeueAction(request);
        return new QueueFileRequeueTask(directory(request), incoming());
    }

    private static void requireRequeueAction(Request request) {
        if (!"requeue".equals(request.queryParams("action"))) {
            throw ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("action: expected ?action=requeue").haltError();
        }
    }

    private static void checkId(SpoolDirectory dir, String id) {
        if (!SpoolDirectory.isValidId(dir.format(), id)) {
            throw ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("not a " + dir.format().configName() + " queuefile id").haltError();
        }
    }

    private static HaltException notFound(SpoolDirectory dir, String id) {
        return ErrorResponder.builder().statusCode(HttpStatus.NOT_FOUND_404).type(ErrorResponder.ErrorType.NOT_FOUND)
            .message("no message " + id + " in " + dir.directory()).haltError();
    }

    /** The configured directories; a directory that cannot be opened (removed, unsafe mode) is a 409 naming why. */
    private List<SpoolDirectory> outDirectories() {
        try {
            return directories.outDirectories();
        } catch (IOException | RuntimeException e) {
            throw RouteSupport.conflict("queuefile directories: " + e.getMessage());
        }
    }

    private java.util.Optional<SpoolDirectory> incomingIfAny() {
        try {
            return directories.incoming();
        } catch (IOException | RuntimeException e) {
            throw RouteSupport.conflict("queuefile.properties: " + e.getMessage());
        }
    }

    private SpoolDirectory incoming() {
        return incomingIfAny().orElseThrow(() -> ErrorResponder.builder().statusCode(HttpStatus.CONFLICT_409)
            .type(ErrorResponder.ErrorType.WRONG_STATE)
            .message("no incoming directory: QueueFileRequeue is not configured (conf/queuefile.properties)").haltError());
    }

    /** The directory the request names (?directory=), or the only one configured. */
    private SpoolDirectory directory(Request request) {
        List<SpoolDirectory> all = outDirectories();
        if (all.isEmpty()) {
            throw ErrorResponder.builder().statusCode(HttpStatus.NOT_FOUND_404).type(ErrorResponder.ErrorType.NOT_FOUND)
                .message("queuefile is not configured: no org.jamesexim.mailets.QueueFile mailet in mailetcontainer.xml").haltError();
        }
        String wanted = request.queryParams("directory");
        if (wanted == null) {
            if (all.size() == 1) {
                return all.get(0);
            }
            throw ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("directory: several QueueFile directories are configured, name one with ?directory= (GET " + BASE_PATH + " lists them)")
                .haltError();
        }
        return all.stream().filter(d -> d.directory().toString().equals(wanted)).findFirst().orElseThrow(() -> ErrorResponder.builder().statusCode(HttpStatus.NOT_FOUND_404)
            .type(ErrorResponder.ErrorType.NOT_FOUND).message("directory: not a configured QueueFile directory (GET " + BASE_PATH + " lists them)")
            .haltError());
    }
}
