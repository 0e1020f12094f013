package dev.dialectic.llm;

/**
 * A language model that answers a prompt by streaming tokens.
 *
 * <p>Providers only talk to their model. Concurrency limits, timeouts, retries, rate limits and the share-group
 * locks are the worker's business: a provider call may block (it runs on its own virtual thread), must stop
 * promptly when its thread is interrupted, and reports failures as {@link LlmException}s that say whether a
 * retry could help.
 */
public interface LlmProvider extends AutoCloseable {

    /** Short name of the provider kind, e.g. {@code simulated}, {@code openai}, {@code llamacpp}. */
    String name();

    /**
     * Answers {@code prompt}, handing each token to {@code tokens} as it arrives, and returns the whole answer.
     *
     * @throws LlmException when the model could not answer
     * @throws InterruptedException when the calling thread was interrupted (the worker cancels a call that way)
     */
    Completion complete(Prompt prompt, TokenSink tokens) throws LlmException, InterruptedException;

    /** Releases what the provider holds (connections, native memory). */
    @Override
    default void close() {}
}
