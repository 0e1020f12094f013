package dev.dialectic.llm;

/** Receives the tokens of one provider call as they arrive, in order, on the calling thread. */
@FunctionalInterface
public interface TokenSink {

    /** Called once per token (or small group of tokens) with its text. */
    void onToken(String text);

    /** A sink that drops every token. */
    static TokenSink ignore() {
        return text -> {};
    }
}
