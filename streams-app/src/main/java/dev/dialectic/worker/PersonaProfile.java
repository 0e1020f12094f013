package dev.dialectic.worker;

import dev.dialectic.llm.LlmProvider;
import java.util.Objects;
import java.util.Optional;

/**
 * Who answers a persona's requests, and how it is asked.
 *
 * @param persona persona name (its requests come from {@code persona.<name>})
 * @param provider the model behind it
 * @param model model name passed to the provider
 * @param systemPrompt the persona's instructions
 * @param promptTemplate the user message's template (see {@link dev.dialectic.spec.PromptTemplate}); empty for the
 *     built-in layout: goal, context, then each input under its stage's name
 * @param maxTokens longest answer asked for
 * @param temperature sampling temperature
 * @param guard the model's limits and circuit breaker, shared by every persona calling the same model
 */
public record PersonaProfile(
        String persona, LlmProvider provider, String model, String systemPrompt, Optional<String> promptTemplate,
        int maxTokens, double temperature, ModelGuard guard) {

    public PersonaProfile {
        Objects.requireNonNull(persona, "persona");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(promptTemplate, "promptTemplate");
        Objects.requireNonNull(guard, "guard");
    }

    /** A profile with the built-in prompt layout. */
    public PersonaProfile(String persona, LlmProvider provider, String model, String systemPrompt, int maxTokens,
            double temperature, ModelGuard guard) {
        this(persona, provider, model, systemPrompt, Optional.empty(), maxTokens, temperature, guard);
    }
}
