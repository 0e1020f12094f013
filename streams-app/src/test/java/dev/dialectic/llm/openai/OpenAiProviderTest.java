package dev.dialectic.llm.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.Prompt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider against WireMock: what it sends, how it reads a stream, how it reports HTTP failures. */
@Timeout(10)
class OpenAiProviderTest {

    static final String KEY = "sk-test-D1al3ct1c-5ecr3t-7f3a";
    static final Prompt PROMPT = new Prompt("gpt-4o-mini",
            List.of(Prompt.Message.system("You argue for."), Prompt.Message.user("Goal: ship it")), 256, 0.3);

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void streamsTokensInOrderAndReportsTheServersModelAndUsage() throws Exception {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(sse(role(), content("Hel"), content("lo"), content(" wör"), content("ld"), finish("stop"),
                        usage(11, 4), "[DONE]"))
                .withChunkedDribbleDelay(8, 600));
        List<String> tokens = new CopyOnWriteArrayList<>();
        List<Instant> tokenTimes = new CopyOnWriteArrayList<>();
        Instant before = Instant.now();

        Completion completion;
        try (OpenAiProvider provider = provider(settings().header("OpenAI-Organization", "org-dialectic"))) {
            completion = provider.complete(PROMPT, token -> {
                tokens.add(token);
                tokenTimes.add(Instant.now());
            });
        }
        Instant after = Instant.now();

        assertThat(tokens).containsExactly("Hel", "lo", " wör", "ld");
        assertThat(completion.text()).isEqualTo("Hello wörld");
        assertThat(completion.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(completion.inputTokens()).isEqualTo(11);
        assertThat(completion.outputTokens()).isEqualTo(4);
        assertThat(completion.firstTokenAt()).hasValueSatisfying(first ->
                assertThat(first).isBetween(before, tokenTimes.get(0)));
        // Streamed as it arrived, not collected first: the server spreads the body over 600 ms.
        assertThat(Duration.between(tokenTimes.get(0), after)).isGreaterThan(Duration.ofMillis(150));

        LoggedRequest request = server.getAllServeEvents().get(0).getRequest();
        assertThat(request.getUrl()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.getHeader("OpenAI-Organization")).isEqualTo("org-dialectic");
        assertThat(request.getHeader("Accept")).isEqualTo("text/event-stream");
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"You argue for.\"},"
                        + "{\"role\":\"user\",\"content\":\"Goal: ship it\"}]");
    }

    @Test
    void withoutUsageTheContentChunksAreCountedAndAFinishReasonEndsTheAnswerWithoutDone() throws Exception {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream; charset=utf-8")
                .withBody(": keep-alive\n\n" + sse(content("one"), content(" two"), content(" three"), finish("length"))));
        Completion completion;
        try (OpenAiProvider provider = provider(settings().includeUsage(false))) {
            completion = provider.complete(PROMPT, token -> {});
        }

        assertThat(completion.text()).isEqualTo("one two three");
        assertThat(completion.outputTokens()).isEqualTo(3);
        assertThat(completion.inputTokens()).isEqualTo(PROMPT.text().length() / 4);
        JsonNode body = JSON.readTree(server.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void aRateLimitIsRetryableAfterTheServersRetryAfter() {
        answer(aResponse().withStatus(429).withHeader("Retry-After", "2")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\"}}"));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(failure.getMessage()).contains("429").contains("Rate limit reached for requests");
    }

    @Test
    void aServerErrorIsRetryable() {
        answer(aResponse().withStatus(500).withBody("upstream exploded"));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).isEmpty();
        assertThat(failure.getMessage()).contains("HTTP 500").contains("upstream exploded");
    }

    @Test
    void anUnavailableServersRetryAfterIsHonoured() {
        answer(aResponse().withStatus(503).withHeader("Retry-After", "7"));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void aBadRequestIsNotRetryableAndCarriesTheServersMessage() {
        answer(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                {"error": {"message": "max_tokens is too large: 999999. This model supports at most 16384.",
                           "type": "invalid_request_error", "param": "max_tokens", "code": null}}"""));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains("HTTP 400").contains("max_tokens is too large: 999999");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 422})
    void otherClientErrorsAreNotRetryableAndNeverShowTheKey(int status) {
        // OpenAI echoes a rejected key (partly masked) in its 401 message; this server echoes all of it.
        answer(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\"}}"));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains("HTTP " + status).contains("Incorrect API key provided: [redacted]");
    }

    @Test
    void anErrorEventInTheStreamIsRetryableUnlessItIsAClientError() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(sse(content("Hi"),
                "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                        + "\"type\":\"server_error\",\"code\":null}}")));
        LlmException serverSide = failure(settings());
        assertThat(serverSide.retryable()).isTrue();
        assertThat(serverSide.getMessage()).contains("after 1 tokens").contains("The server had an error");

        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(sse(
                "{\"error\":{\"object\":\"error\",\"message\":\"prompt too long\",\"type\":\"BadRequestError\","
                        + "\"code\":400}}")));
        LlmException clientSide = failure(settings());
        assertThat(clientSide.retryable()).isFalse();
        assertThat(clientSide.getMessage()).contains("prompt too long");
    }

    @Test
    void aServerThatDoesNotStreamIsNotRetried() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"message\":{\"content\":\"whole\"}}]}"));

        LlmException failure = failure(settings());

        assertThat(failure.retryable()).isFalse();
        assertThat(failure.getMessage()).contains("application/json instead of an event stream");
    }

    @Test
    void thePromptsModelIsSentAndTheSettingsModelFillsInForABlankOne() throws Exception {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(sse("{\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}", "[DONE]")));
        Prompt unnamed = new Prompt("", PROMPT.messages(), 16, 0);
        try (OpenAiProvider provider = provider(settings().model("llama3.2:1b"))) {
            assertThat(provider.complete(unnamed, token -> {}).model()).isEqualTo("llama3.2:1b");
            assertThat(provider.complete(PROMPT, token -> {}).model()).isEqualTo("gpt-4o-mini");
        }
        assertThat(server.getAllServeEvents()).extracting(event -> event.getRequest().getBodyAsString())
                .anySatisfy(body -> assertThat(body).contains("\"model\":\"llama3.2:1b\""))
                .anySatisfy(body -> assertThat(body).contains("\"model\":\"gpt-4o-mini\""));
    }

    private void answer(ResponseDefinitionBuilder response) {
        server.stubFor(post("/v1/chat/completions").willReturn(response));
    }

    private OpenAiSettings.Builder settings() {
        return OpenAiSettings.builder().baseUrl(server.baseUrl() + "/v1/").apiKey(KEY)
                .firstTokenTimeout(Duration.ofSeconds(3)).totalTimeout(Duration.ofSeconds(5));
    }

    private static OpenAiProvider provider(OpenAiSettings.Builder settings) {
        return new OpenAiProvider(settings.build());
    }

    /** Calls and returns the failure, after checking that the key shows nowhere in it. */
    private static LlmException failure(OpenAiSettings.Builder settings) {
        try (OpenAiProvider provider = provider(settings)) {
            LlmException failure = catchThrowableOfType(LlmException.class, () -> provider.complete(PROMPT, t -> {}));
            assertThat(failure).isNotNull();
            assertKeyNowhereIn(failure);
            return failure;
        }
    }

    /** Fails when {@link #KEY} appears in the message or text of {@code error} or any of its causes. */
    static void assertKeyNowhereIn(Throwable error) {
        List<String> texts = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            texts.add(t.toString());
            texts.add(String.valueOf(t.getMessage()));
        }
        assertThat(texts).noneMatch(text -> text.contains(KEY));
    }

    static String sse(String... data) {
        return Arrays.stream(data).map(d -> "data: " + d + "\n\n").collect(Collectors.joining());
    }

    static String role() {
        return chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
    }

    static String content(String text) {
        return chunk("{\"content\":" + quoted(text) + "}", null);
    }

    static String finish(String reason) {
        return chunk("{}", reason);
    }

    static String usage(int prompt, int completion) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + Optional.ofNullable(finishReason).map(OpenAiProviderTest::quoted).orElse("null") + "}],"
                + "\"usage\":null}";
    }

    private static String quoted(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }
}
