package dev.dialectic.llm.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.Prompt.Message;
import dev.dialectic.llm.TokenSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real llama.cpp running {@link TinyGgufModel}: one token per byte, so token counts are
 * predictable, and greedy decoding never ends early, so every call generates exactly as many tokens as it may.
 */
class LlamaCppProviderTest {

    private static final Prompt HELLO = prompt("Hello there", 16);
    /** {@link #HELLO} as the tiny model's own chat template formats it. */
    private static final String HELLO_FORMATTED =
            "### system:\nBe brief.\n### user:\nHello there\n### assistant:\n";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static Path modelFile;
    /**
     * Two slots of 8192 tokens, shared by the tests that need no settings of their own: room for several seconds of
     * generation, so a generation that was not stopped is told from one that was by its token count.
     */
    static LlamaCppProvider shared;

    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void loadModel() throws IOException {
        modelFile = TinyGgufModel.write(dir.resolve("tiny.gguf"), 42);
        shared = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).contextSize(16_384).parallel(2).threads(1)
                .build());
    }

    @AfterAll
    static void closeModel() {
        shared.close();
    }

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void streamsEveryGeneratedPieceInOrderThroughTheRealModel() throws Exception {
        List<String> pieces = new ArrayList<>();

        Completion completion = shared.complete(HELLO, pieces::add);

        assertThat(pieces).hasSize(16).allSatisfy(piece -> assertThat(piece).isNotEmpty());
        assertThat(completion.text()).isNotBlank().isEqualTo(String.join("", pieces));
        assertThat(completion.outputTokens()).isEqualTo(pieces.size());
        assertThat(completion.firstTokenAt()).isPresent();
        assertThat(completion.model()).isEqualTo("tiny");
    }

    @Test
    void formatsThePromptWithTheModelsChatTemplateAndCountsItsTokens() throws Exception {
        Completion completion = shared.complete(HELLO, TokenSink.ignore());

        assertThat(completion.inputTokens()).isEqualTo(HELLO_FORMATTED.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aChatTemplateInTheSettingsReplacesTheModels() throws Exception {
        String template = "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}";
        try (LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).contextSize(512)
                .threads(1).chatTemplate(template).build())) {
            Completion completion = provider.complete(HELLO, TokenSink.ignore());

            assertThat(completion.inputTokens()).isEqualTo("system: Be brief.\nuser: Hello there\nassistant: "
                    .getBytes(StandardCharsets.UTF_8).length);
            assertThat(completion.outputTokens()).isEqualTo(16);
        }
    }

    @Test
    void greedyDecodingGivesTheSameAnswerEveryTime() throws Exception {
        String first = shared.complete(HELLO, TokenSink.ignore()).text();
        String second = shared.complete(HELLO, TokenSink.ignore()).text();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void concurrentCallsAllCompleteAlsoWhenThereAreMoreThanSlots() throws Exception {
        record Call(Completion completion, List<String> pieces) {}
        List<Future<Call>> calls = new ArrayList<>();
        for (String question : List.of("First question", "Second question", "Third question")) {
            calls.add(callers.submit(() -> {
                List<String> pieces = new ArrayList<>();
                return new Call(shared.complete(prompt(question, 24), pieces::add), pieces);
            }));
        }

        for (Future<Call> call : calls) {
            Call done = call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(done.pieces()).hasSize(24);
            assertThat(done.completion().text()).isEqualTo(String.join("", done.pieces()));
            assertThat(done.completion().outputTokens()).isEqualTo(24);
        }
        assertThat(shared.runningGenerations()).isZero();
    }

    @Test
    void anInterruptedCallEndsAtOnceAndItsGenerationStops() throws Exception {
        long before = shared.generatedPieces();
        CountDownLatch firstPiece = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        // As many tokens as a slot has room for, more than 8000, if nothing stopped it.
        Future<?> call = callers.submit(() -> {
            try {
                shared.complete(prompt("Go on and on", 100_000), piece -> firstPiece.countDown());
                outcome.set(new AssertionError("the call completed"));
            } catch (Throwable e) {
                outcome.set(e);
            }
            return null;
        });
        assertThat(firstPiece.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        call.cancel(true); // what the worker does when a call times out

        await().atMost(PATIENCE).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        await().atMost(PATIENCE).until(() -> shared.runningGenerations() == 0);
        assertThat(shared.generatedPieces() - before).isLessThan(4000);
    }

    @Test
    void aSinkThatFailsStopsTheGeneration() {
        long before = shared.generatedPieces();
        List<String> pieces = new ArrayList<>();

        assertThatThrownBy(() -> shared.complete(prompt("Go on and on", 100_000), piece -> {
            pieces.add(piece);
            if (pieces.size() == 3) {
                throw new IllegalStateException("the sink broke");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("the sink broke");

        assertThat(pieces).hasSize(3);
        await().atMost(PATIENCE).until(() -> shared.runningGenerations() == 0);
        assertThat(shared.generatedPieces() - before).isLessThan(4000);
    }

    @Test
    void anAnswerEndsWhereTheSlotsContextEnds() throws Exception {
        try (LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).contextSize(128)
                .threads(1).build())) {
            Completion completion = provider.complete(prompt("Hello there", 1000), TokenSink.ignore());

            // One token is kept for the beginning-of-sequence token llama.cpp puts before the prompt.
            assertThat(completion.outputTokens()).isEqualTo(128 - completion.inputTokens() - 1);
        }
    }

    @Test
    void aPromptThatDoesNotFitTheContextIsRefused() throws Exception {
        try (LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).contextSize(128)
                .parallel(2).threads(1).build())) {
            assertThatThrownBy(() -> provider.complete(prompt("x".repeat(100), 16), TokenSink.ignore()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("too many for a slot's context of 64")
                    .hasMessageContaining("raise context.size");
        }
    }

    @Test
    void aMissingModelFileIsNamedAtConstruction() {
        Path missing = dir.resolve("nowhere/model.gguf");

        assertThatThrownBy(() -> new LlamaCppProvider(LlamaCppSettings.builder(missing).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("llamacpp model " + missing + ": no such file");
    }

    @Test
    void aModelThatCannotBeLoadedFailsEveryCallWithoutRetry() throws Exception {
        Path broken = dir.resolve("broken.gguf");
        byte[] model = Files.readAllBytes(modelFile);
        Files.write(broken, Arrays.copyOf(model, 2000)); // the magic and a part of the metadata

        try (LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(broken).build())) {
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> provider.complete(HELLO, TokenSink.ignore()))
                        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse())
                        .hasMessageStartingWith("llamacpp " + broken + ": could not load the model")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
        }
    }

    @Test
    void anUnknownMessageRoleIsRefused() {
        Prompt prompt = new Prompt("tiny", List.of(new Message("tool", "{}")), 16, 0);

        assertThatThrownBy(() -> shared.complete(prompt, TokenSink.ignore()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("unsupported message role 'tool'");
    }

    @Test
    void closingEndsACallInProgressAndRefusesLaterOnes() throws Exception {
        LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).contextSize(4096)
                .threads(1).build());
        CountDownLatch firstPiece = new CountDownLatch(1);
        Future<Completion> call = callers.submit(() -> provider.complete(prompt("Go on and on", 100_000),
                piece -> firstPiece.countDown()));
        assertThat(firstPiece.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        provider.close();

        assertThatThrownBy(() -> call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("closed during the call");
        assertThatThrownBy(() -> provider.complete(HELLO, TokenSink.ignore()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("the provider is closed");
        provider.close(); // a second close does nothing
    }

    @Test
    void closingAProviderThatNeverLoadedItsModelIsCheap() {
        LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.builder(modelFile).build());

        provider.close();

        assertThat(provider.runningGenerations()).isZero();
    }

    private static Prompt prompt(String question, int maxTokens) {
        return new Prompt("tiny", List.of(Message.system("Be brief."), Message.user(question)), maxTokens, 0);
    }
}
