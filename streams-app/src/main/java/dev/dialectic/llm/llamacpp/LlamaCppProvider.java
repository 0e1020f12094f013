package dev.dialectic.llm.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF model run in this process by llama.cpp (through {@code de.kherud:llama}): no server, no network; inference
 * uses this process's CPU (or a GPU, with a GPU build of the native library).
 *
 * <p>The model is loaded on the first call, not at construction, so a worker starts at once; the constructor only
 * checks that the file is there and is a GGUF file. A model that fails to load fails that call and every later one
 * with a non-retryable {@link LlmException}. Each call formats the prompt's messages with the model's chat template
 * (or {@link LlamaCppSettings#chatTemplate()}), generates up to the prompt's {@code maxTokens} at its temperature, and
 * hands each piece of text to the {@link TokenSink} as llama.cpp produces it. A piece is one token, except that
 * tokens making up one multi-byte character come as one piece; the completion counts pieces as output tokens and the
 * formatted prompt's tokens as input tokens. A prompt that leaves no room in a slot's context fails, non-retryably;
 * otherwise the answer is cut where the slot's context ends.
 *
 * <p>Native calls never run on the caller's thread: they block in native code, where an interrupt cannot reach them,
 * and on a virtual thread they would pin its carrier. They run on the provider's own platform threads, one per call
 * in progress, and the caller waits for their pieces interruptibly: an interrupted call returns at once with an
 * {@link InterruptedException}, and its generation is cancelled before the next token. At most
 * {@link LlamaCppSettings#parallel()} calls are handed to llama.cpp at once; the others wait here, where an interrupt
 * ends their wait, rather than in llama.cpp's queue, where a cancelled call would still have its prompt processed.
 *
 * <p>Thread-safe: one provider (one loaded model) serves concurrent calls, also from several personas. The native
 * library keeps a non-daemon thread attached to the JVM once a model has been loaded, even after {@link #close()}, so a
 * process using this provider must end with {@link System#exit(int)} rather than by returning from {@code main}.
 */
public final class LlamaCppProvider implements LlmProvider {

    private static final Logger log = LoggerFactory.getLogger(LlamaCppProvider.class);
    private static final Logger nativeLog = LoggerFactory.getLogger("llama.cpp");
    private static final BiConsumer<LogLevel, String> NATIVE_LOG = (level, message) -> {
        if (nativeLog.isDebugEnabled() && !message.isBlank()) {
            nativeLog.debug("{} {}", level, message.stripTrailing());
        }
    };
    /**
     * llama.cpp's log callback is process-wide and loading a model resets it; loads take turns so that each can
     * route the logs to SLF4J again once it is done.
     */
    private static final Object LOADING = new Object();
    /** How long {@link #close()} waits for cancelled generations to reach their next token before freeing the model. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final LlamaCppSettings settings;
    private final ExecutorService nativeThreads;
    /** One permit per llama.cpp slot, held from handing a call to llama.cpp until its generation has ended. */
    private final Semaphore slots;
    private final Set<Generation> running = ConcurrentHashMap.newKeySet();
    private final LongAdder generatedPieces = new LongAdder();
    private final Object lock = new Object();
    private CompletableFuture<LlamaModel> model; // guarded by lock; null until the first call
    private boolean closed; // guarded by lock

    /**
     * A provider for the model {@code settings} describe. Loads nothing yet: the model is loaded on the first call.
     *
     * @throws IllegalArgumentException naming the path when the model file is missing, unreadable or not a GGUF file
     */
    public LlamaCppProvider(LlamaCppSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        LlamaCppSettings.modelFileProblem(settings.modelPath()).ifPresent(problem -> {
            throw new IllegalArgumentException("llamacpp model " + settings.modelPath() + ": " + problem);
        });
        this.slots = new Semaphore(settings.parallel(), true);
        this.nativeThreads = Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("llamacpp-" + settings.modelName() + "-", 1).factory());
    }

    @Override
    public String name() {
        return "llamacpp";
    }

    /** The settings the model is loaded with. */
    public LlamaCppSettings settings() {
        return settings;
    }

    /**
     * Answers {@code prompt} with the model, loading it first if this is the first call. The completion names the
     * prompt's model, or the model file's name when the prompt's is blank.
     */
    @Override
    public Completion complete(Prompt prompt, TokenSink tokens) throws LlmException, InterruptedException {
        InferenceParameters chat = chat(prompt);
        LlamaModel llama = model();
        slots.acquire();
        Generation generation = new Generation(llama, chat, prompt);
        synchronized (lock) {
            if (closed) {
                slots.release();
                throw closedFailure();
            }
            running.add(generation);
            nativeThreads.execute(generation);
        }
        return generation.await(prompt.model().isBlank() ? settings.modelName() : prompt.model(), tokens);
    }

    /**
     * Cancels the generations in progress, waits for them to stop (they do at their next token), and frees the model.
     * Calls in progress fail with a retryable {@link LlmException}, later ones with a non-retryable one. If a
     * generation does not stop within 30 seconds the model is left loaded, as freeing it would crash the process.
     */
    @Override
    public void close() {
        CompletableFuture<LlamaModel> loaded;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            loaded = model;
            running.forEach(Generation::cancel);
            nativeThreads.shutdown();
        }
        try {
            if (!nativeThreads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("llamacpp {}: native calls still running after {} s; leaving the model loaded",
                        settings.modelPath(), CLOSE_WAIT.toSeconds());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("llamacpp {}: interrupted while waiting for native calls to end; leaving the model loaded",
                    settings.modelPath());
            return;
        }
        if (loaded != null && loaded.state() == Future.State.SUCCESS) {
            loaded.resultNow().close();
        }
    }

    @Override
    public String toString() {
        return "LlamaCppProvider[" + settings.modelPath() + "]";
    }

    /** Generations whose native thread has not finished yet; for tests. */
    int runningGenerations() {
        return running.size();
    }

    /** Pieces llama.cpp has generated over the provider's life, also for calls that were cancelled; for tests. */
    long generatedPieces() {
        return generatedPieces.sum();
    }

    /** The loaded model, loading it (on a native thread) if nobody has yet. */
    private LlamaModel model() throws LlmException, InterruptedException {
        CompletableFuture<LlamaModel> loading;
        synchronized (lock) {
            if (closed) {
                throw closedFailure();
            }
            if (model == null) {
                model = CompletableFuture.supplyAsync(this::load, nativeThreads);
            }
            loading = model;
        }
        try {
            return loading.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof LinkageError
                    ? "the native llama.cpp library cannot be loaded on this platform (" + describe(cause) + ")"
                    : "could not load the model (llama.cpp: " + describe(cause) + "); is the file complete, and of an"
                            + " architecture this llama.cpp build supports?";
            throw new LlmException(where() + ": " + reason, false, Optional.empty(), cause);
        }
    }

    private LlamaModel load() {
        ModelParameters parameters = new ModelParameters()
                .setModel(settings.modelPath().toString())
                .setCtxSize(settings.contextSize())
                .setParallel(settings.parallel())
                .enableJinja()
                // Load-time logs would go to stdout; the callback installed after loading takes the rest.
                .disableLog();
        if (settings.threads() > 0) {
            parameters.setThreads(settings.threads());
        }
        // Passing 0 makes a CPU-only build print a warning to stderr; leaving it out means 0 anyway.
        if (settings.gpuLayers() > 0) {
            parameters.setGpuLayers(settings.gpuLayers());
        }
        settings.chatTemplate().ifPresent(parameters::setChatTemplate);
        synchronized (LOADING) {
            long start = System.nanoTime();
            LlamaModel loaded = new LlamaModel(parameters);
            LlamaModel.setLogger(LogFormat.TEXT, NATIVE_LOG);
            log.info("llamacpp: loaded {} in {} ms ({} slot(s) of {} tokens)", settings.modelPath(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), settings.parallel(),
                    settings.slotContextSize());
            return loaded;
        }
    }

    /** The prompt's messages for the chat template: the system messages joined into one, then the turns in order. */
    private InferenceParameters chat(Prompt prompt) throws LlmException {
        StringJoiner system = new StringJoiner("\n\n");
        List<Pair<String, String>> turns = new ArrayList<>();
        for (Prompt.Message message : prompt.messages()) {
            switch (message.role()) {
                case "system" -> system.add(message.content());
                case "user", "assistant" -> turns.add(new Pair<>(message.role(), message.content()));
                default -> throw LlmException.fatal(where() + ": unsupported message role '" + message.role()
                        + "' (known: system, user, assistant)");
            }
        }
        return new InferenceParameters("").setMessages(system.toString(), turns);
    }

    private InferenceParameters generation(String text, Prompt prompt, int maxTokens) {
        InferenceParameters parameters = new InferenceParameters(text)
                .setNPredict(maxTokens)
                .setTemperature((float) prompt.temperature());
        settings.seed().ifPresent(parameters::setSeed);
        return parameters;
    }

    private LlmException closedFailure() {
        return LlmException.fatal(where() + ": the provider is closed");
    }

    private String where() {
        return "llamacpp " + settings.modelPath();
    }

    private static String describe(Throwable error) {
        String message = error.getMessage() == null || error.getMessage().isBlank()
                ? error.getClass().getSimpleName() : error.getMessage();
        return message.strip().replaceAll("\\s+", " ");
    }

    /** What a native thread reports to the calling thread. */
    private sealed interface Event {}

    /** The prompt is formatted and fits; generation starts. */
    private record Started(int inputTokens) implements Event {}

    private record Piece(String text) implements Event {}

    private record Finished() implements Event {}

    /** The prompt leaves no room for an answer in a slot's context. */
    private record TooLong(int inputTokens) implements Event {}

    /** Cancelled; only after {@link #close()} is a caller still waiting to hear it. */
    private record Stopped() implements Event {}

    /** A native call failed; formatting the prompt fails the same way every time, generating need not. */
    private record Failed(Throwable error, boolean retryable) implements Event {}

    /** One call's generation: runs on a native thread, reports to the calling thread through {@link #events}. */
    private final class Generation implements Runnable {

        private final LlamaModel llama;
        private final InferenceParameters chat;
        private final Prompt prompt;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private volatile boolean cancelled;

        Generation(LlamaModel llama, InferenceParameters chat, Prompt prompt) {
            this.llama = llama;
            this.chat = chat;
            this.prompt = prompt;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public void run() {
            Event end;
            try {
                end = generate();
            } catch (RuntimeException | Error e) {
                end = new Failed(e, false);
            }
            // Released before the caller hears of the end, so a call that has returned holds no slot.
            running.remove(this);
            slots.release();
            events.add(end);
        }

        /** Streams the pieces into {@link #events}; returns the event that ends the call. */
        private Event generate() {
            if (cancelled) {
                return new Stopped();
            }
            String text;
            int inputTokens;
            try {
                text = llama.applyTemplate(chat);
                inputTokens = llama.encode(text).length;
            } catch (RuntimeException | Error e) {
                return new Failed(e, false);
            }
            // One token of headroom: llama.cpp adds a BOS token to the prompt for most models.
            int room = settings.slotContextSize() - inputTokens - 1;
            if (room < 1) {
                return new TooLong(inputTokens);
            }
            events.add(new Started(inputTokens));
            try {
                LlamaIterator answer = llama.generate(generation(text, prompt, Math.min(prompt.maxTokens(), room)))
                        .iterator();
                while (answer.hasNext()) {
                    // Only this thread may cancel: a task cancelled while another thread waits for its output leaves
                    // that thread waiting forever.
                    if (cancelled) {
                        answer.cancel();
                        return new Stopped();
                    }
                    String piece = answer.next().text;
                    if (!piece.isEmpty()) {
                        generatedPieces.increment();
                        events.add(new Piece(piece));
                    }
                }
                return new Finished();
            } catch (RuntimeException | Error e) {
                return new Failed(e, true);
            }
        }

        /** Hands the pieces to {@code tokens} on the calling thread as they arrive, and returns the completion. */
        Completion await(String model, TokenSink tokens) throws LlmException, InterruptedException {
            StringBuilder text = new StringBuilder();
            int pieces = 0;
            int inputTokens = 0;
            Instant firstTokenAt = null;
            try {
                while (true) {
                    switch (events.take()) {
                        case Started started -> inputTokens = started.inputTokens();
                        case Piece piece -> {
                            if (firstTokenAt == null) {
                                firstTokenAt = Instant.now();
                            }
                            pieces++;
                            text.append(piece.text());
                            tokens.onToken(piece.text());
                        }
                        case Finished finished -> {
                            return new Completion(text.toString(), model, inputTokens, pieces,
                                    Optional.ofNullable(firstTokenAt));
                        }
                        case TooLong tooLong -> throw LlmException.fatal(where() + ": the prompt has "
                                + tooLong.inputTokens() + " tokens, too many for a slot's context of "
                                + settings.slotContextSize() + " (context.size " + settings.contextSize()
                                + " / parallel " + settings.parallel() + "); raise context.size");
                        case Stopped stopped -> throw LlmException.retryable(where()
                                + ": the provider was closed during the call, after " + pieces + " tokens");
                        case Failed failed -> throw new LlmException(where() + ": " + (failed.retryable()
                                ? "generation failed after " + pieces + " tokens: "
                                : "could not format the prompt: ") + describe(failed.error()), failed.retryable(),
                                Optional.empty(), failed.error());
                    }
                }
            } finally {
                // Does nothing once the generation has ended; stops it when the caller leaves early (an interrupt, a
                // failing sink).
                cancel();
            }
        }
    }
}
