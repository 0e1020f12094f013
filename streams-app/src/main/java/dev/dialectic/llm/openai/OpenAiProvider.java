package dev.dialectic.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model behind any OpenAI-compatible chat-completions API (OpenAI, vLLM, Ollama, llama.cpp server, LiteLLM, ...),
 * streamed: {@code POST {baseUrl}/chat/completions} with {@code "stream": true}, answered by server-sent events, each
 * {@code data:} a JSON chunk whose {@code choices[0].delta.content} is handed to the {@link TokenSink} on arrival, up
 * to {@code data: [DONE]}.
 *
 * <p>Failures are {@link LlmException}s: HTTP 408, 409, 429 and 5xx, connection failures, timeouts, a stream that
 * breaks off before {@code [DONE]} or a {@code finish_reason}, and an error event inside the stream (unless it carries
 * a client-error status) are retryable, with the server's {@code Retry-After} when it sent one; other 4xx (bad request,
 * bad key, unknown model) are not. Messages quote the server's error message; the API key never appears in them.
 *
 * <p>Timeouts are enforced by the calling thread itself: the response headers and then each body line are awaited
 * with the nearer of the first-token and total deadlines, so they fire even when a server sends headers and then
 * nothing, and need no watchdog thread. An interrupt ends the wait the same way; in every case that ends a call early
 * the exchange is aborted (the body subscription cancelled, which closes an HTTP/1.1 connection or resets an HTTP/2
 * stream) before the call returns.
 *
 * <p>Thread-safe: one provider serves concurrent calls over one {@link HttpClient}.
 */
public final class OpenAiProvider implements LlmProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An error body longer than this is cut: only its message is wanted. */
    private static final int MAX_ERROR_BODY_CHARS = 16_384;
    /** Longest piece of server text quoted in an exception message. */
    private static final int MAX_QUOTED_CHARS = 500;

    private final OpenAiSettings settings;
    private final URI endpoint;
    private final HttpClient client;

    /** A provider for the server {@code settings} describe; holds an HTTP client until {@link #close()}. */
    public OpenAiProvider(OpenAiSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpoint = settings.endpoint();
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // TLS servers negotiate HTTP/2 (ALPN), so concurrent calls share a connection. Plain-text ones are
                // local servers, where HTTP/1.1 is cheap and an h2c upgrade attempt gains nothing and some mishandle it.
                .version(settings.baseUrl().getScheme().equalsIgnoreCase("https")
                        ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public String name() {
        return "openai";
    }

    /**
     * Streams the answer to {@code prompt}. The prompt's model is asked for, or the settings' model when the prompt's
     * is blank; {@code max_tokens} and {@code temperature} come from the prompt. The completion reports the model the
     * server names, the server's token counts when it sends usage (else an estimate of the prompt's and the number of
     * content chunks), and when the first content arrived.
     */
    @Override
    public Completion complete(Prompt prompt, TokenSink tokens) throws LlmException, InterruptedException {
        long start = System.nanoTime();
        long totalDeadline = start + settings.totalTimeout().toNanos();
        long firstTokenDeadline = Math.min(totalDeadline, start + settings.firstTokenTimeout().toNanos());
        String model = prompt.model().isBlank() ? settings.model().orElse("") : prompt.model();
        if (model.isBlank()) {
            throw LlmException.fatal(where() + ": no model: the prompt names none and the settings have no default");
        }

        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> exchange =
                client.sendAsync(request(prompt, model), HttpResponse.BodyHandlers.ofPublisher());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = awaitHeaders(exchange, firstTokenDeadline,
                totalDeadline);
        BodyLines lines = new BodyLines();
        response.body().subscribe(BodySubscribers.fromLineSubscriber(lines));
        try {
            if (response.statusCode() / 100 != 2) {
                throw httpFailure(response, readBody(lines, firstTokenDeadline));
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("text/event-stream");
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                // A server that ignores "stream" would answer the same way on every retry.
                throw failure(false, "HTTP " + response.statusCode() + " with " + contentType
                        + " instead of an event stream: " + serverMessage(readBody(lines, firstTokenDeadline)));
            }
            return stream(lines, prompt, model, tokens, firstTokenDeadline, totalDeadline);
        } finally {
            // After the end of the body this does nothing; before it, it aborts the exchange.
            lines.cancel();
        }
    }

    /** Stops the HTTP client at once; calls still running fail. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    @Override
    public String toString() {
        return "OpenAiProvider[" + settings + "]";
    }

    private HttpRequest request(Prompt prompt, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        prompt.messages().forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
        body.put("max_tokens", prompt.maxTokens());
        body.put("temperature", prompt.temperature());
        body.put("stream", true);
        if (settings.includeUsage()) {
            body.putObject("stream_options").put("include_usage", true);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        settings.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key.value()));
        settings.headers().forEach(request::header);
        return request.build();
    }

    private HttpResponse<Flow.Publisher<List<ByteBuffer>>> awaitHeaders(
            CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> exchange, long firstTokenDeadline,
            long totalDeadline) throws LlmException, InterruptedException {
        try {
            return exchange.get(Math.max(0, firstTokenDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            abandon(exchange);
            throw e;
        } catch (TimeoutException e) {
            abandon(exchange);
            throw timeout(firstTokenDeadline < totalDeadline, 0);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw failure(true, "could not connect within " + settings.connectTimeout(), cause);
            }
            // Connection refused or reset, TLS and protocol errors: the server may be back on the next attempt.
            throw failure(cause instanceof IOException, "request failed: " + describe(cause), cause);
        }
    }

    /** Aborts an exchange whose response nobody will read, also when its headers arrived just now. */
    private static void abandon(CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> exchange) {
        exchange.cancel(true);
        exchange.thenAccept(late -> late.body().subscribe(BodySubscribers.fromLineSubscriber(BodyLines.discarding())));
    }

    private Completion stream(BodyLines lines, Prompt prompt, String model, TokenSink tokens, long firstTokenDeadline,
            long totalDeadline) throws LlmException, InterruptedException {
        ServerSentEvents events = new ServerSentEvents();
        Answer answer = new Answer();
        while (true) {
            switch (lines.next(answer.started() ? totalDeadline : firstTokenDeadline)) {
                case BodyLines.Line(String line) -> {
                    Optional<String> data = events.accept(line);
                    if (data.isPresent()) {
                        if (data.get().equals("[DONE]")) {
                            return answer.completion(prompt, model);
                        }
                        answer.accept(chunk(data.get(), answer), tokens);
                    }
                }
                case BodyLines.End() -> {
                    // Some servers omit [DONE]; a finish_reason shows the answer is whole all the same.
                    if (answer.finished) {
                        return answer.completion(prompt, model);
                    }
                    throw failure(true, "the stream ended before the answer did, after " + answer.chunks
                            + " tokens");
                }
                case BodyLines.Failure(Throwable cause) -> throw failure(true, "the stream broke off after "
                        + answer.chunks + " tokens: " + describe(cause), cause);
                case BodyLines.Timeout() -> throw timeout(!answer.started() && firstTokenDeadline < totalDeadline,
                        answer.chunks);
            }
        }
    }

    /** Parses one event's data, and turns an error event into the exception it calls for. */
    private JsonNode chunk(String data, Answer answer) throws LlmException {
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw failure(true, "malformed chunk after " + answer.chunks + " tokens: " + quote(data));
        }
        JsonNode error = chunk.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            // vLLM and others put an HTTP status in "code"; OpenAI marks request errors by type and sends null code.
            int status = status(error);
            boolean retryable = status > 0 ? retryableStatus(status)
                    : !"invalid_request_error".equals(error.path("type").asText());
            throw failure(retryable, "error in the stream after " + answer.chunks + " tokens: "
                    + serverMessage(chunk.toString()));
        }
        return chunk;
    }

    /** The HTTP status an error object carries in {@code code} or {@code status}, or 0. */
    private static int status(JsonNode error) {
        for (JsonNode field : List.of(error.path("code"), error.path("status"))) {
            int value = field.asInt(0);
            if (value >= 100 && value <= 599) {
                return value;
            }
        }
        return 0;
    }

    /** Lines of an error body, up to the deadline or a size limit: enough to quote the server's message. */
    private static String readBody(BodyLines lines, long deadline) throws InterruptedException {
        StringBuilder body = new StringBuilder();
        while (body.length() < MAX_ERROR_BODY_CHARS
                && lines.next(deadline) instanceof BodyLines.Line(String line)) {
            body.append(line).append('\n');
        }
        return body.toString();
    }

    private LlmException httpFailure(HttpResponse<?> response, String body) {
        int status = response.statusCode();
        boolean retryable = retryableStatus(status);
        Optional<Duration> retryAfter = retryable
                ? RetryAfter.from(response.headers(), status == 429, Instant.now()) : Optional.empty();
        return new LlmException(scrub(where() + ": HTTP " + status + ": " + serverMessage(body)), retryable,
                retryAfter, null);
    }

    /** Timeouts, throttling, conflicts and server errors may pass; any other client error will recur. */
    private static boolean retryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private LlmException timeout(boolean firstToken, int chunks) {
        return failure(true, firstToken
                ? "no first token within " + settings.firstTokenTimeout()
                : "no whole answer within " + settings.totalTimeout() + " (" + chunks + " tokens so far)");
    }

    private LlmException failure(boolean retryable, String message) {
        return failure(retryable, message, null);
    }

    private LlmException failure(boolean retryable, String message, Throwable cause) {
        return new LlmException(scrub(where() + ": " + message), retryable, Optional.empty(), cause);
    }

    private String where() {
        return "openai " + endpoint;
    }

    /**
     * The server's own words from an error body: {@code error.message} (OpenAI and most others), a plain
     * {@code error} string (Ollama), {@code message} or {@code detail} (FastAPI-based servers), else the body itself.
     */
    private static String serverMessage(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return body.isBlank() ? "(no message)" : quote(body);
        }
        for (JsonNode candidate : List.of(json.path("error").path("message"), json.path("error"),
                json.path("message"), json.path("detail"))) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return quote(candidate.asText());
            }
        }
        return body.isBlank() ? "(no message)" : quote(body);
    }

    private static String quote(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_QUOTED_CHARS ? line : line.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** Removes the key from a message: servers echo rejected keys in their 401 messages. */
    private String scrub(String message) {
        return settings.apiKey().map(key -> message.replace(key.value(), "[redacted]")).orElse(message);
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /** The answer as it streams in. */
    private static final class Answer {

        private final StringBuilder text = new StringBuilder();
        private int chunks;
        private Instant firstTokenAt;
        private String reportedModel;
        private int promptTokens = -1;
        private int completionTokens = -1;
        private boolean finished;

        boolean started() {
            return firstTokenAt != null;
        }

        void accept(JsonNode chunk, TokenSink tokens) {
            if (reportedModel == null && chunk.path("model").isTextual() && !chunk.path("model").asText().isBlank()) {
                reportedModel = chunk.path("model").asText();
            }
            // With include_usage, usage comes in a last chunk with no choices; some servers repeat it in every chunk.
            JsonNode usage = chunk.path("usage");
            if (usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                completionTokens = usage.path("completion_tokens").asInt(completionTokens);
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode content = choice.path("delta").path("content");
            if (content.isTextual() && !content.asText().isEmpty()) {
                if (firstTokenAt == null) {
                    firstTokenAt = Instant.now();
                }
                chunks++;
                text.append(content.asText());
                tokens.onToken(content.asText());
            }
            if (choice.path("finish_reason").isTextual()) {
                finished = true;
            }
        }

        Completion completion(Prompt prompt, String requestedModel) {
            return new Completion(text.toString(), reportedModel != null ? reportedModel : requestedModel,
                    promptTokens >= 0 ? promptTokens : estimateTokens(prompt.text()),
                    completionTokens >= 0 ? completionTokens : chunks, Optional.ofNullable(firstTokenAt));
        }

        /** Roughly four characters per token, as with common BPE tokenizers on English text. */
        private static int estimateTokens(String text) {
            return Math.max(1, text.length() / 4);
        }
    }
}
