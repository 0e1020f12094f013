package dev.dialectic.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.schema.Task;
import dev.dialectic.tasks.TaskRules;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the body of {@code POST /v1/tasks}: one task object or an array of them, with the {@code Task} schema's
 * field names ({@code taskId}, {@code goal}, {@code context}, {@code mode}, {@code timeoutMs},
 * {@code attributes}; only {@code goal} is required), checked against the same {@link TaskRules} as the CLI
 * and the orchestrator. All or nothing: the first bad task refuses the whole body, with the field at fault.
 *
 * <p>The caller's tenant is written to the {@value #TENANT_ATTRIBUTE} attribute of every task, replacing any
 * value the body gave, so a client cannot act for another tenant.
 */
public final class TaskRequests {

    /** The attribute holding the tenant of the key that submitted a task. */
    public static final String TENANT_ATTRIBUTE = "tenant";

    private static final Set<String> FIELDS = Set.of("taskId", "goal", "context", "mode", "timeoutMs", "attributes");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final TaskRules rules;

    public TaskRequests(TaskRules rules) {
        this.rules = rules;
    }

    /**
     * The tasks {@code body} asks for, submitted at {@code now} for {@code tenant}.
     *
     * @throws Problem.ProblemException a 400 naming the field at fault ({@code tasks[i].field} in a batch)
     */
    public List<Task> parse(byte[] body, String tenant, Instant now) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw Problem.badRequest(null, "not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "))
                    .exception();
        } catch (IOException e) {
            throw Problem.badRequest(null, "unreadable body").exception();
        }
        if (root == null || root.isMissingNode()) {
            throw Problem.badRequest(null, "the body is empty; send a task object or an array of them").exception();
        }
        boolean batch = root.isArray();
        List<JsonNode> nodes = new ArrayList<>();
        if (batch) {
            root.forEach(nodes::add);
            if (nodes.isEmpty()) {
                throw Problem.badRequest(null, "the array holds no task").exception();
            }
        } else {
            nodes.add(root);
        }
        List<Task> tasks = new ArrayList<>(nodes.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            String where = batch ? "tasks[" + i + "]." : "";
            Task task = task(nodes.get(i), where, tenant, now);
            Optional<TaskRules.Violation> violation = rules.check(task);
            if (violation.isPresent()) {
                throw Problem.badRequest(where + violation.get().field(), violation.get().reason()).exception();
            }
            if (!ids.add(task.getTaskId())) {
                throw Problem.badRequest(where + "taskId", "taskId '" + task.getTaskId() + "' repeats an earlier task")
                        .exception();
            }
            tasks.add(task);
        }
        return tasks;
    }

    private static Task task(JsonNode node, String where, String tenant, Instant now) {
        if (!node.isObject()) {
            throw Problem.badRequest(where.isEmpty() ? null : where.substring(0, where.length() - 1),
                    "expected a task object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT)).exception();
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw Problem.badRequest(where + name, "unknown field '" + name
                        + "' (expected taskId, goal, context, mode, timeoutMs, attributes)").exception();
            }
        }
        String goal = text(node, "goal", where)
                .orElseThrow(() -> Problem.badRequest(where + "goal", "goal is missing").exception());
        Long timeoutMs = null;
        JsonNode timeout = node.get("timeoutMs");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isIntegralNumber() || !timeout.canConvertToLong()) {
                throw Problem.badRequest(where + "timeoutMs",
                        "timeoutMs must be a whole number of milliseconds, got " + timeout).exception();
            }
            timeoutMs = timeout.longValue();
        }
        Map<String, String> attributes = new HashMap<>();
        JsonNode given = node.get("attributes");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw Problem.badRequest(where + "attributes", "attributes must be an object of strings").exception();
            }
            given.properties().forEach(attribute -> {
                if (!attribute.getValue().isTextual()) {
                    throw Problem.badRequest(where + "attributes." + attribute.getKey(),
                            "attributes." + attribute.getKey() + " must be a string").exception();
                }
                attributes.put(attribute.getKey(), attribute.getValue().textValue());
            });
        }
        attributes.put(TENANT_ATTRIBUTE, tenant);
        return Task.newBuilder()
                .setTaskId(text(node, "taskId", where).orElseGet(() -> UUID.randomUUID().toString()))
                .setGoal(goal)
                .setContext(text(node, "context", where).orElse(null))
                .setMode(text(node, "mode", where).orElse(null))
                .setSubmittedAt(now)
                .setTimeoutMs(timeoutMs)
                .setAttributes(attributes)
                .build();
    }

    private static Optional<String> text(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw Problem.badRequest(where + name, name + " must be a string").exception();
        }
        return Optional.of(value.textValue());
    }
}
