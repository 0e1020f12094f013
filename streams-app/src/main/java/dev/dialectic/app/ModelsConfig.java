package dev.dialectic.app;

import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.llamacpp.LlamaCppProvider;
import dev.dialectic.llm.llamacpp.LlamaCppSettings;
import dev.dialectic.llm.openai.OpenAiProvider;
import dev.dialectic.llm.openai.OpenAiSettings;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.spec.PersonaSettings;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.worker.ModelGuard;
import dev.dialectic.worker.PersonaProfile;
import dev.dialectic.worker.Prompts;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Turns the personas of the pipeline spec into one {@link PersonaProfile} each. A persona's settings are the keys
 * of {@link PersonaSettings} (listed by {@code --list-settings}), given in the spec's {@code personas.<name>} and
 * overridden by {@code persona.<name>.<key>} settings; {@code llm.provider} is the default provider. The simulated
 * model's timings stay {@code simulated.<name>.*} settings (see {@link DialecticConfig#simulatedProfile}).
 *
 * <p>Personas whose llamacpp settings are all equal share one provider, so the model is loaded once; the workers
 * close each distinct provider once.
 */
final class ModelsConfig {

    private final DialecticConfig config;
    private final PipelineSpec spec;
    private final Map<String, ModelGuard> guards = new HashMap<>();
    private final Map<LlamaCppSettings, LlamaCppProvider> llamaCpp = new HashMap<>();

    /** Profiles of {@code spec}'s personas, whose overrides are already applied. */
    ModelsConfig(DialecticConfig config, PipelineSpec spec) {
        this.config = config;
        this.spec = spec;
    }

    PersonaProfile profile(String persona) {
        Map<String, Object> own = new HashMap<>(spec.persona(persona));
        String provider = string(own, PersonaSettings.PROVIDER, config.getString(DialecticConfig.LLM_PROVIDER));
        LlmProvider llm = switch (provider) {
            case "simulated" -> new SimulatedProvider(persona, config.simulatedProfile(persona));
            case "openai" -> {
                if (!own.containsKey("model")) {
                    throw new ConfigException("persona." + persona + ".model is required for the openai provider"
                            + " (e.g. gpt-4o-mini, or llama3.2 on Ollama)");
                }
                yield new OpenAiProvider(OpenAiSettings.fromConfig("persona." + persona + ".", own));
            }
            case "llamacpp" -> {
                if (!own.containsKey(LlamaCppSettings.MODEL_PATH)) {
                    throw new ConfigException("persona." + persona + "." + LlamaCppSettings.MODEL_PATH
                            + " is required for the llamacpp provider (a GGUF file, e.g."
                            + " /models/qwen2.5-0.5b-instruct-q4_k_m.gguf)");
                }
                yield llamaCpp.computeIfAbsent(LlamaCppSettings.fromConfig("persona." + persona + ".", own),
                        LlamaCppProvider::new);
            }
            default -> throw new ConfigException("persona." + persona + ".provider", provider,
                    "unknown provider (known: simulated, openai, llamacpp)");
        };
        // A llamacpp model is named after its file, so personas sharing it share its limits by default.
        String model = string(own, PersonaSettings.MODEL, llm instanceof LlamaCppProvider local
                ? local.settings().modelName() : provider + "-" + persona);
        String group = string(own, PersonaSettings.LIMITS_GROUP, provider + ":" + model);
        ModelGuard guard = guards.computeIfAbsent(group, name -> new ModelGuard(name, limits(persona, own)));
        try {
            return new PersonaProfile(persona, llm, model,
                    string(own, PersonaSettings.SYSTEM_PROMPT, Prompts.defaultSystemPrompt(persona)),
                    Optional.ofNullable(own.get(PersonaSettings.PROMPT)).map(Object::toString),
                    Integer.parseInt(string(own, PersonaSettings.MAX_TOKENS,
                            Integer.toString(PersonaSettings.DEFAULT_MAX_TOKENS))),
                    Double.parseDouble(string(own, PersonaSettings.TEMPERATURE,
                            Double.toString(PersonaSettings.DEFAULT_TEMPERATURE))), guard);
        } catch (NumberFormatException e) {
            throw new ConfigException("persona." + persona + ".max.tokens/temperature: " + e.getMessage());
        }
    }

    private static ModelGuard.Limits limits(String persona, Map<String, Object> own) {
        try {
            ModelGuard.Limits none = ModelGuard.Limits.none();
            return new ModelGuard.Limits(
                    optionalInt(own, PersonaSettings.REQUESTS_PER_MINUTE),
                    optionalInt(own, PersonaSettings.TOKENS_PER_MINUTE),
                    optionalInt(own, PersonaSettings.MAX_CONCURRENCY),
                    Integer.parseInt(string(own, PersonaSettings.CIRCUIT_WINDOW, Integer.toString(none.circuitWindow()))),
                    Float.parseFloat(string(own, PersonaSettings.CIRCUIT_FAILURE_RATE,
                            Float.toString(none.circuitFailureRatePercent()))),
                    Duration.ofMillis(Long.parseLong(string(own, PersonaSettings.CIRCUIT_OPEN_MS,
                            Long.toString(none.circuitOpenFor().toMillis())))));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("persona." + persona + " limits: " + e.getMessage());
        }
    }

    private static Optional<Integer> optionalInt(Map<String, Object> values, String key) {
        Object value = values.get(key);
        return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.toString().strip()));
    }

    private static String string(Map<String, Object> values, String key, String fallback) {
        Object value = values.get(key);
        return value == null ? fallback : value.toString();
    }
}
