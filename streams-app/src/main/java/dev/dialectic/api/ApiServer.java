package dev.dialectic.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.Ramp;
import dev.dialectic.canary.Setting;
import dev.dialectic.metrics.DialecticMetrics;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskState;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.tasks.TaskRules;
import dev.dialectic.topics.Topics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, health, metrics and web view of one service process (Javalin on virtual threads). The routes
 * are those of {@code openapi.yaml}, served at {@code /openapi.yaml}.
 *
 * <p>It binds before the orchestrator starts, because Kafka Streams must be told this server's address
 * ({@code application.server}) to route interactive queries; the {@link Backend} is attached once the rest of
 * the service runs, and until then the task routes answer 503 and {@code /health/ready} is down.
 *
 * <p>Nothing a client sends is logged: not its key, not a goal, not a token.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * What the routes need from the running service: the task producer, the orchestrator's store (if this process
     * runs the orchestrator), the live feed and the readiness checks.
     */
    public record Backend(TaskSubmitter submitter, Optional<TaskQueries> queries, LiveFeed feed, Readiness readiness,
            Optional<CanaryControl> canary) implements AutoCloseable {

        @Override
        public void close() {
            feed.close();
            submitter.close();
            readiness.close();
            canary.ifPresent(CanaryControl::close);
        }
    }

    /** Header marking a request one instance forwarded to the owner of a task, which must answer it itself. */
    static final String FORWARDED = "X-Dialectic-Forwarded";

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALLER = "dialectic.caller";
    /** The tenant of every task of an API without keys. */
    static final String OPEN_TENANT = "local";
    private static final String WEB_ROOT = "/dev/dialectic/api/web/";
    private static final String OPENAPI = "/dev/dialectic/api/openapi.yaml";
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long an event stream waits for a task it does not know yet (just submitted, not yet accepted). */
    private static final Duration UNKNOWN_TASK_WAIT = Duration.ofSeconds(30);
    private static final String CANARY_PATH = "/v1/canary";
    private static final int DEFAULT_LIST_LIMIT = 50;
    private static final int MAX_LIST_LIMIT = 1_000;

    private final ApiSettings settings;
    private final DialecticMetrics metrics;
    private final Javalin app;
    private final boolean open;
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Backend backend;

    private ApiServer(ApiSettings settings, DialecticMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.open = settings.keys().isEmpty();
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port() == ApiSettings.ANY_FREE_PORT ? 0 : settings.port();
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.routes.before("/v1/*", this::authenticate);
            config.routes.get("/", ctx -> resource(ctx, WEB_ROOT + "index.html", "text/html; charset=utf-8"));
            config.routes.get("/openapi.yaml", ctx -> resource(ctx, OPENAPI, "application/yaml"));
            config.routes.get("/health/live", ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "UP")));
            config.routes.get("/health/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.post("/v1/tasks", this::submit);
            config.routes.get("/v1/tasks", this::recent);
            config.routes.get("/v1/tasks/{taskId}", this::task);
            config.routes.get("/v1/tasks/{taskId}/events", ctx -> {
                requireEventStream(ctx, null);
                new SseHandler(0, this::taskEvents).handle(ctx);
            });
            config.routes.get("/v1/results", this::results);
            config.routes.get("/v1/canary", this::canary);
            config.routes.put("/v1/canary/settings/{name}", this::setCanary);
            config.routes.exception(Problem.ProblemException.class, (e, ctx) -> problem(ctx, e.problem()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("API request {} {} failed", ctx.method(), ctx.endpoint().path, e);
                problem(ctx, new Problem(500, "Internal error", "the service failed to answer; see its log", null));
            });
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith(Problem.CONTENT_TYPE)) {
                    problem(ctx, Problem.notFound("no route " + ctx.method() + " " + ctx.path()));
                }
            });
        });
    }

    /**
     * Starts the server on the configured address (an API without keys only on a loopback address).
     *
     * @throws IllegalStateException if no key is configured and the host is not a loopback address
     */
    public static ApiServer start(ApiSettings settings, DialecticMetrics metrics) {
        if (settings.keys().isEmpty() && !loopback(settings.host())) {
            throw new IllegalStateException("api.host " + settings.host() + " is reachable from other machines but no"
                    + " API key is configured: set api.keys, api.keys.file or DIALECTIC_API_KEYS");
        }
        ApiServer server = new ApiServer(settings, metrics);
        server.app.start();
        if (server.open) {
            log.warn("HTTP API on {}:{} without API keys: any local process may submit and read tasks",
                    settings.host(), server.port());
        } else {
            log.info("HTTP API on {}:{} ({} API keys)", settings.host(), server.port(), settings.keys().size());
        }
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** Where other instances reach this one (Kafka Streams' {@code application.server}). */
    public HostInfo advertised() {
        return new HostInfo(settings.advertisedHost(), port());
    }

    /**
     * Connects the routes to the running service.
     *
     * @param streams the orchestrator, or null when this process runs none
     * @param workerGroups the share group of each persona this process serves, with the client id prefix of its
     *     consumers (empty when it runs no workers)
     */
    public void attach(Topics topics, TaskRules rules, Map<String, Object> clientConfig, KafkaStreams streams,
            Map<String, String> workerGroups, SchemaRegistryClient registry, Supplier<CanaryState> canaryState,
            ControlRules canaryRules) {
        TaskSubmitter submitter = new TaskSubmitter(topics, rules, clientConfig, metrics);
        TaskQueries queries = streams == null ? null : new TaskQueries(streams, advertised());
        IntPredicate owned = streams == null ? partition -> false : new OwnedPartitions(streams, topics.tasks().name());
        LiveFeed feed = new LiveFeed(topics, clientConfig, settings, metrics, owned);
        Admin admin = workerGroups.isEmpty() ? null : Admin.create(clientConfig);
        Readiness readiness = new Readiness(streams, queries, admin, workerGroups, registry, feed);
        CanaryControl canary = canaryState == null ? null
                : new CanaryControl(topics, canaryState, canaryRules, clientConfig, metrics);
        this.backend = new Backend(submitter, Optional.ofNullable(queries), feed, readiness, Optional.ofNullable(canary));
    }

    /** Every route served, as {@code METHOD path} with Javalin's {@code {param}} syntax, for checks. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .sorted().toList();
    }

    // ---- auth

    private void authenticate(Context ctx) {
        ApiKeys.Right right = ctx.method() == HandlerType.GET ? ApiKeys.Right.READ
                : ctx.path().startsWith(CANARY_PATH) ? ApiKeys.Right.ADMIN : ApiKeys.Right.WRITE;
        if (open) {
            ctx.attribute(CALLER, new ApiKeys.Caller(OPEN_TENANT, ApiKeys.Right.ADMIN));
            return;
        }
        String header = ctx.header("Authorization");
        String key = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        if (key == null) {
            if (right == ApiKeys.Right.READ && !settings.authReads()) {
                return; // an anonymous reader sees every tenant's tasks
            }
            throw Problem.unauthorized("send an API key: Authorization: Bearer <key>").exception();
        }
        ApiKeys.Caller caller = settings.keys().caller(key)
                .orElseThrow(() -> Problem.unauthorized("the API key is not valid").exception());
        if (!caller.has(right)) {
            throw Problem.forbidden(right == ApiKeys.Right.ADMIN
                    ? "changing live settings needs an admin key (KEY=TENANT:admin in api.keys)"
                    : "this API key may only read").exception();
        }
        ctx.attribute(CALLER, caller);
    }

    /** Which tenants' tasks the caller may see: its own, or every one without keys or for an anonymous reader. */
    private Predicate<String> tenants(Context ctx) {
        ApiKeys.Caller caller = ctx.attribute(CALLER);
        return open || caller == null ? tenant -> true : caller.tenant()::equals;
    }

    // ---- routes

    private void submit(Context ctx) {
        Backend backend = backend();
        ApiKeys.Caller caller = ctx.attribute(CALLER);
        List<Task> tasks = new TaskRequests(backend.submitter().rules())
                .parse(body(ctx), caller.tenant(), Instant.now());
        backend.submitter().submit(tasks);
        ArrayNode ids = JSON.createArrayNode();
        tasks.forEach(task -> ids.add(task.getTaskId()));
        ObjectNode answer = JSON.createObjectNode();
        answer.set("taskIds", ids);
        if (tasks.size() == 1) {
            String id = URLEncoder.encode(tasks.getFirst().getTaskId(), StandardCharsets.UTF_8);
            ctx.header("Location", "/v1/tasks/" + id);
        }
        json(ctx, 202, answer);
    }

    private void task(Context ctx) {
        Backend backend = backend();
        String taskId = ctx.pathParam("taskId");
        TaskQueries queries = backend.queries().orElseThrow(() ->
                Problem.unavailable("this process runs no orchestrator; ask one that does").exception());
        TaskQueries.Answer answer = queries.find(taskId, ctx.header(FORWARDED) != null);
        if (answer instanceof TaskQueries.Answer.Remote remote) {
            forward(ctx, remote.owner());
            return;
        }
        TaskState state = ((TaskQueries.Answer.Local) answer).state()
                .filter(s -> tenants(ctx).test(s.getTask().getAttributes().get(TaskRequests.TENANT_ATTRIBUTE)))
                .orElseThrow(() -> Problem.notFound("no task '" + taskId + "'").exception());
        ObjectNode body = JSON.createObjectNode();
        body.put("taskId", taskId);
        body.put("status", state.getLedger().getStatus().name());
        body.set("result", state.getResult() == null ? JSON.nullNode() : AvroJson.toJson(state.getResult()));
        body.set("ledger", AvroJson.toJson(state.getLedger()));
        json(ctx, 200, body);
    }

    private void canary(Context ctx) {
        CanaryControl canary = canaryControl();
        CanaryState state = canary.state();
        int partitions = canary.partitionCount();
        ObjectNode body = JSON.createObjectNode();
        body.put("variant", state.variant().orElse(null));
        body.put("live", state.live(partitions));
        body.put("description", state.describe(partitions));
        ArrayNode chosen = body.putArray("canaryPartitions");
        state.canaryPartitions(partitions).forEach(chosen::add);
        body.put("partitionCount", partitions);
        body.put("share", CanaryState.share(state.canaryPartitions(partitions).size(), partitions));
        body.put("percent", state.percent().orElse(null));
        body.put("ramp", state.ramp().map(Ramp::toString).orElse(null));
        ArrayNode settings = body.putArray("settings");
        state.settings().forEach(setting -> settings.add(settingJson(setting)));
        json(ctx, 200, body);
    }

    private void setCanary(Context ctx) {
        CanaryControl canary = canaryControl();
        JsonNode request;
        try {
            request = JSON.readTree(body(ctx));
        } catch (JsonProcessingException e) {
            throw Problem.badRequest(null, "the body is not JSON: " + e.getOriginalMessage()).exception();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (request == null || !request.isObject() || !request.path("value").isValueNode()
                || request.path("value").isNull()) {
            throw Problem.badRequest("value", "send {\"value\": \"...\", \"reason\": \"...\"}").exception();
        }
        ApiKeys.Caller caller = ctx.attribute(CALLER);
        String reason = request.path("reason").isTextual() ? request.path("reason").asText() : null;
        Setting written = canary.set(ctx.pathParam("name"), request.path("value").asText(), "api:" + caller.tenant(),
                reason);
        json(ctx, 202, settingJson(written));
    }

    private CanaryControl canaryControl() {
        return backend().canary().orElseThrow(() ->
                Problem.unavailable("this process runs no orchestrator; ask one that does").exception());
    }

    private static ObjectNode settingJson(Setting setting) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", setting.name());
        node.put("value", setting.value());
        node.put("updatedAt", setting.updatedAt().toString());
        node.put("updatedBy", setting.updatedBy());
        node.put("reason", setting.reason());
        return node;
    }

    private void recent(Context ctx) {
        int limit = limit(ctx);
        ArrayNode tasks = JSON.createArrayNode();
        backend().feed().recent(limit, tenants(ctx)).forEach(view -> tasks.add(AvroJson.toJson(view.ledger())));
        json(ctx, 200, tasks);
    }

    private void results(Context ctx) throws Exception {
        Backend backend = backend();
        String follow = ctx.queryParam("follow");
        if ("true".equals(follow)) {
            requireEventStream(ctx, "follow");
            Predicate<String> tenants = tenants(ctx);
            new SseHandler(0, client -> streamResults(client, backend.feed(), tenants)).handle(ctx);
            return;
        }
        if (follow != null && !"false".equals(follow)) {
            throw Problem.badRequest("follow", "follow must be true or false").exception();
        }
        ArrayNode results = JSON.createArrayNode();
        backend.feed().recent(limit(ctx), tenants(ctx)).stream().filter(v -> v.result() != null)
                .forEach(view -> results.add(AvroJson.toJson(view.result())));
        json(ctx, 200, results);
    }

    private void taskEvents(SseClient client) {
        Context ctx = client.ctx();
        Backend backend = this.backend;
        if (backend == null) {
            sendProblem(client, Problem.unavailable("the service is starting"));
            return;
        }
        String taskId = ctx.pathParam("taskId");
        Predicate<String> tenants = tenants(ctx);
        try (LiveFeed.Subscription subscription = backend.feed().task(taskId)) {
            boolean allowed = false;
            long unknownUntil = System.nanoTime() + UNKNOWN_TASK_WAIT.toNanos();
            List<LiveFeed.Event> held = new ArrayList<>();
            while (!client.terminated()) {
                LiveFeed.Event event = subscription.events().poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                if (subscription.overflowed()) {
                    sendProblem(client, Problem.unavailable("the client read too slowly; reconnect"));
                    return;
                }
                if (event == null) {
                    if (!allowed && System.nanoTime() > unknownUntil) {
                        sendProblem(client, Problem.notFound("no recent task '" + taskId + "'"));
                        return;
                    }
                    client.sendComment("keep-alive");
                    continue;
                }
                if (!allowed) {
                    // Tokens can come before the task's first ledger record: hold them until it says whose task it is.
                    held.add(event);
                    if (!LiveFeed.LEDGER.equals(event.kind())) {
                        continue;
                    }
                    String tenant = event.data().path("attributes").path(TaskRequests.TENANT_ATTRIBUTE).asText(null);
                    if (!tenants.test(tenant)) {
                        sendProblem(client, Problem.notFound("no recent task '" + taskId + "'"));
                        return;
                    }
                    allowed = true;
                    for (LiveFeed.Event early : held) {
                        send(client, early);
                    }
                    held.clear();
                    continue;
                }
                send(client, event);
                if (event.last()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }

    private static void streamResults(SseClient client, LiveFeed feed, Predicate<String> tenants) {
        try (LiveFeed.Subscription subscription = feed.results(tenants)) {
            while (!client.terminated() && !subscription.overflowed()) {
                LiveFeed.Event event = subscription.events().poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    client.sendComment("keep-alive");
                } else {
                    send(client, event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }

    private void ready(Context ctx) {
        Backend backend = this.backend;
        Map<String, Boolean> checks = backend == null ? Map.of("started", false) : backend.readiness().checks();
        ObjectNode body = JSON.createObjectNode();
        boolean up = checks.values().stream().allMatch(Boolean::booleanValue);
        body.put("status", up ? "UP" : "DOWN");
        ObjectNode details = body.putObject("checks");
        checks.forEach(details::put);
        json(ctx, up ? 200 : 503, body);
    }

    // ---- helpers

    private Backend backend() {
        Backend current = backend;
        if (current == null) {
            throw Problem.unavailable("the service is starting; try again shortly").exception();
        }
        return current;
    }

    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > settings.maxBodyBytes()) {
            throw Problem.tooLarge(settings.maxBodyBytes()).exception();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            if (body.length > settings.maxBodyBytes()) {
                throw Problem.tooLarge(settings.maxBodyBytes()).exception();
            }
            return body;
        } catch (IOException e) {
            throw Problem.badRequest(null, "the request body could not be read").exception();
        }
    }

    private void forward(Context ctx, HostInfo owner) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port()
                        + ctx.path())).timeout(Duration.ofSeconds(10)).header(FORWARDED, "1").GET();
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            ctx.status(response.statusCode())
                    .contentType(response.headers().firstValue("Content-Type").orElse("application/json"))
                    .result(response.body());
        } catch (IOException e) {
            throw Problem.unavailable("the instance owning this task (" + owner.host() + ":" + owner.port()
                    + ") did not answer").exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted").exception();
        }
    }

    /** Refuses a request for an event stream that does not accept one (Javalin's handler would answer nothing). */
    private static void requireEventStream(Context ctx, String field) {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw Problem.badRequest(field, "this is a stream of Server-Sent Events: send Accept: text/event-stream")
                    .exception();
        }
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return DEFAULT_LIST_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIST_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Problem.badRequest("limit", "limit must be a whole number from 1 to " + MAX_LIST_LIMIT).exception();
    }

    private static void send(SseClient client, LiveFeed.Event event) {
        client.sendEvent(event.kind(), write(event.data()));
    }

    private static void sendProblem(SseClient client, Problem problem) {
        client.sendEvent("problem", write(problemJson(problem)));
    }

    private static void problem(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(write(problemJson(problem)));
        if (problem.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
    }

    private static ObjectNode problemJson(Problem problem) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        if (problem.field() != null) {
            body.put("field", problem.field());
        }
        return body;
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void resource(Context ctx, String path, String contentType) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the jar");
            }
            ctx.contentType(contentType).result(in.readAllBytes());
        }
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** Stops serving, then closes the live feed, the task producer and the readiness checks' admin client. */
    @Override
    public void close() {
        app.stop();
        if (backend != null) {
            backend.close();
        }
    }
}
