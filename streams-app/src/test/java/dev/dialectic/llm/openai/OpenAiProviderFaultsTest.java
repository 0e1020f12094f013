package dev.dialectic.llm.openai;

import static dev.dialectic.llm.openai.OpenAiProviderTest.KEY;
import static dev.dialectic.llm.openai.OpenAiProviderTest.PROMPT;
import static dev.dialectic.llm.openai.OpenAiProviderTest.assertKeyNowhereIn;
import static dev.dialectic.llm.openai.OpenAiProviderTest.content;
import static dev.dialectic.llm.openai.OpenAiProviderTest.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.LlmException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The provider against servers that misbehave in ways WireMock cannot script: silent after the headers, dropping the
 * connection mid-stream, holding a stream open while the caller gives up.
 */
@Timeout(10)
class OpenAiProviderFaultsTest {

    @Test
    void headersWithoutATokenHitTheFirstTokenTimeoutAndTheConnectionIsDropped() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.startEventStream();
            exchange.event(role());
            exchange.awaitClientLeaving();
        });
                OpenAiProvider provider = new OpenAiProvider(
                        settings(server).firstTokenTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            LlmException failure = catchThrowableOfType(LlmException.class,
                    () -> provider.complete(PROMPT, token -> {}));

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("no first token within PT0.3S");
            assertKeyNowhereIn(failure);
            // The provider is still open: the call itself let go of the connection.
            await().atMost(Duration.ofSeconds(2)).until(server::clientLeft);
        }
    }

    @Test
    void aServerThatNeverAnswersHitsTheFirstTokenTimeoutToo() throws Exception {
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.Exchange::awaitClientLeaving)) {
            LlmException failure = failure(settings(server).firstTokenTimeout(Duration.ofMillis(300)));

            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("no first token");
            await().atMost(Duration.ofSeconds(2)).until(server::clientLeft);
        }
    }

    @Test
    void aStreamThatStallsAfterItsFirstTokenHitsTheTotalTimeout() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.startEventStream();
            exchange.event(content("first"));
            exchange.awaitClientLeaving();
        })) {
            List<String> tokens = new CopyOnWriteArrayList<>();
            LlmException failure = failure(settings(server).totalTimeout(Duration.ofMillis(400)), tokens);

            assertThat(tokens).containsExactly("first");
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("no whole answer within PT0.4S (1 tokens so far)");
        }
    }

    @Test
    void aConnectionDroppedMidStreamIsRetryableAndTheTokensSoFarWereDelivered() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.startEventStream();
            exchange.event(content("Thesis:"));
            exchange.event(content(" first"));
            // Returning closes the socket inside the chunked body, as a crashing server would.
        })) {
            List<String> tokens = new CopyOnWriteArrayList<>();
            LlmException failure = failure(settings(server), tokens);

            assertThat(tokens).containsExactly("Thesis:", " first");
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("broke off after 2 tokens");
        }
    }

    @Test
    void aStreamThatEndsWithoutDoneOrFinishReasonIsRetryable() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.startEventStream();
            exchange.event(content("half"));
            exchange.endBody();
        })) {
            LlmException failure = failure(settings(server), new CopyOnWriteArrayList<>());

            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("ended before the answer did, after 1 tokens");
        }
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        String baseUrl;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            baseUrl = "http://127.0.0.1:" + closed.getLocalPort() + "/v1";
        }
        LlmException failure = failure(OpenAiSettings.builder().baseUrl(baseUrl).apiKey(KEY));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.getMessage()).contains("request failed").contains("ConnectException");
    }

    @Test
    void interruptingTheCallerDuringAStreamEndsTheCallAndTheExchangeAtOnce() throws Exception {
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            exchange.startEventStream();
            exchange.event(content("Antithesis:"));
            exchange.awaitClientLeaving();
        });
                OpenAiProvider provider = new OpenAiProvider(settings(server).build())) {
            List<String> tokens = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    provider.complete(PROMPT, tokens::add);
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            await().atMost(Duration.ofSeconds(3)).until(() -> tokens.size() == 1);

            caller.interrupt();

            await().atMost(Duration.ofSeconds(1)).until(() -> !caller.isAlive());
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            await().atMost(Duration.ofSeconds(2)).until(server::clientLeft);
        }
    }

    @Test
    void interruptingTheCallerWhileItWaitsForHeadersEndsTheCallAndTheExchangeAtOnce() throws Exception {
        AtomicBoolean requested = new AtomicBoolean();
        try (ScriptedServer server = new ScriptedServer(exchange -> {
            requested.set(true);
            exchange.awaitClientLeaving();
        });
                OpenAiProvider provider = new OpenAiProvider(settings(server).build())) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    provider.complete(PROMPT, token -> {});
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            await().atMost(Duration.ofSeconds(3)).untilTrue(requested);

            caller.interrupt();

            await().atMost(Duration.ofSeconds(1)).until(() -> !caller.isAlive());
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            await().atMost(Duration.ofSeconds(2)).until(server::clientLeft);
        }
    }

    private static OpenAiSettings.Builder settings(ScriptedServer server) {
        return OpenAiSettings.builder().baseUrl(server.baseUrl()).apiKey(KEY)
                .firstTokenTimeout(Duration.ofSeconds(5)).totalTimeout(Duration.ofSeconds(8));
    }

    private static LlmException failure(OpenAiSettings.Builder settings) {
        return failure(settings, new CopyOnWriteArrayList<>());
    }

    /** Calls, collecting tokens, and returns the failure after checking that the key shows nowhere in it. */
    private static LlmException failure(OpenAiSettings.Builder settings, List<String> tokens) {
        try (OpenAiProvider provider = new OpenAiProvider(settings.build())) {
            LlmException failure = catchThrowableOfType(LlmException.class, () -> provider.complete(PROMPT, tokens::add));
            assertThat(failure).isNotNull();
            assertKeyNowhereIn(failure);
            return failure;
        }
    }
}
