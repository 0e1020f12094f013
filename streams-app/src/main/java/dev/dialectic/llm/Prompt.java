package dev.dialectic.llm;

import java.util.List;
import java.util.Objects;

/**
 * What a provider is asked: chat messages for a model.
 *
 * @param model model name as the provider knows it
 * @param messages the conversation, usually a system message and one user message
 * @param maxTokens upper bound of tokens to generate
 * @param temperature sampling temperature
 */
public record Prompt(String model, List<Message> messages, int maxTokens, double temperature) {

    public Prompt {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs at least one message");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
    }

    /** The text of all messages, for providers that count or hash the input. */
    public String text() {
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(m.content()).append('\n'));
        return text.toString();
    }

    /**
     * One chat message.
     *
     * @param role {@code system}, {@code user} or {@code assistant}
     * @param content its text
     */
    public record Message(String role, String content) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }

        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }
    }
}
