package dev.dialectic.bench;

import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.TokenSink;
import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.worker.ModelGuard;
import dev.dialectic.worker.PersonaProfile;
import dev.dialectic.worker.Prompts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The dialectic flow without Kafka: thesis ∥ antithesis → synthesis as CompletableFutures on virtual threads,
 * calling the same providers with the prompts the workers would build. The reference for what durability
 * costs: no broker, no transactions, no ledger, nothing survives a crash.
 */
final class InProcessPipeline implements AutoCloseable {

    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, PersonaProfile> profiles;

    /** A pipeline calling {@code providers}, by persona name (thesis, antithesis, synthesis). */
    InProcessPipeline(Map<String, LlmProvider> providers) {
        this.profiles = Map.of(
                Pipeline.THESIS, profile(Pipeline.THESIS, providers),
                Pipeline.ANTITHESIS, profile(Pipeline.ANTITHESIS, providers),
                Pipeline.SYNTHESIS, profile(Pipeline.SYNTHESIS, providers));
    }

    private static PersonaProfile profile(String persona, Map<String, LlmProvider> providers) {
        return new PersonaProfile(persona, providers.get(persona), "simulated-" + persona,
                Prompts.defaultSystemPrompt(persona), 1024, 0.7, ModelGuard.unlimited(persona));
    }

    /** Runs one task; the future completes when its synthesis is there. */
    CompletableFuture<Run> run(String taskId, String goal) {
        long submitted = System.nanoTime();
        CompletableFuture<Call> thesis = call(taskId, goal, Pipeline.THESIS, List.of());
        CompletableFuture<Call> antithesis = call(taskId, goal, Pipeline.ANTITHESIS, List.of());
        return thesis.thenCombine(antithesis, List::of)
                .thenCompose(inputs -> call(taskId, goal, Pipeline.SYNTHESIS, inputs)
                        .thenApply(synthesis -> new Run(submitted, System.nanoTime(), inputs.get(0), inputs.get(1),
                                synthesis)));
    }

    private CompletableFuture<Call> call(String taskId, String goal, String stage, List<Call> inputs) {
        return CompletableFuture.supplyAsync(() -> {
            PersonaRequest request = PersonaRequest.newBuilder()
                    .setTaskId(taskId).setStage(stage).setPersona(stage).setAttempt(1).setGoal(goal).setContext(null)
                    .setInputs(inputs.stream().map(c -> new PersonaInput(c.stage(), c.stage(), c.text())).toList())
                    .setVariant("baseline").setRequestedAt(Instant.now()).setDeadlineAt(null).setAttributes(Map.of())
                    .build();
            PersonaProfile profile = profiles.get(stage);
            long started = System.nanoTime();
            try {
                String text = profile.provider().complete(Prompts.build(profile, request), TokenSink.ignore()).text();
                return new Call(stage, text, started, System.nanoTime());
            } catch (LlmException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, calls);
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }

    /** One model call: its stage, its answer, and when it ran ({@link System#nanoTime()}). */
    record Call(String stage, String text, long startedNanos, long finishedNanos) {
        double durationMs() {
            return (finishedNanos - startedNanos) / 1e6;
        }
    }

    /**
     * One task's run.
     *
     * @param submittedNanos when the task was handed to the pipeline
     * @param doneNanos when its synthesis was there
     */
    record Run(long submittedNanos, long doneNanos, Call thesis, Call antithesis, Call synthesis) {
        double endToEndMs() {
            return (doneNanos - submittedNanos) / 1e6;
        }

        /** max(thesis, antithesis) + synthesis of this run's own durations. */
        double idealMs() {
            return Math.max(thesis.durationMs(), antithesis.durationMs()) + synthesis.durationMs();
        }

        double overheadMs() {
            return endToEndMs() - idealMs();
        }
    }
}
