package dev.dialectic.app;

import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.llamacpp.LlamaCppProvider;
import dev.dialectic.llm.llamacpp.LlamaCppSettings;
import dev.dialectic.llm.openai.OpenAiProvider;
import dev.dialectic.llm.openai.OpenAiSettings;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.worker.ModelGuard;
import dev.dialectic.worker.PersonaProfile;
import dev.dialectic.worker.Prompts;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Turns configuration into one {@link PersonaProfile} per persona. Per-persona keys, all optional:
 *
 * <pre>
 * persona.&lt;name&gt;.provider        simulated | openai | llamacpp   (default: llm.provider)
 * persona.&lt;name&gt;.model           model name given to the provider (llamacpp: default the file's name)
 * persona.&lt;name&gt;.system.prompt   the persona's instructions
 * persona.&lt;name&gt;.max.tokens      longest answer (default 1024)
 * persona.&lt;name&gt;.temperature     sampling temperature (default 0.7)
 * simulated.&lt;name&gt;.latency.ms          simulated latency (default: reference x simulated.speed.factor)
 * simulated.&lt;name&gt;.ttft.ms             simulated time to first token (default: 10% of latency)
 * simulated.&lt;name&gt;.tokens.per.second   simulated token rate (default: 20 / speed factor)
 * persona.&lt;name&gt;.base.url           openai: server root, e.g. http://localhost:11434/v1 (default OpenAI's)
 * persona.&lt;name&gt;.api.key.env        openai: environment variable holding the API key (default OPENAI_API_KEY)
 * persona.&lt;name&gt;.api.key            openai: the key itself (prefer the environment variable)
 * persona.&lt;name&gt;.connect.timeout.ms / first.token.timeout.ms / total.timeout.ms   openai timeouts
 * persona.&lt;name&gt;.header.&lt;Name&gt;     openai: an extra request header
 * persona.&lt;name&gt;.model.path         llamacpp: the GGUF model file (required)
 * persona.&lt;name&gt;.context.size       llamacpp: tokens of context, shared by the slots (default 4096)
 * persona.&lt;name&gt;.parallel           llamacpp: calls decoded at once, one slot each (default 1)
 * persona.&lt;name&gt;.threads            llamacpp: CPU threads (default: llama.cpp's choice, one per core)
 * persona.&lt;name&gt;.gpu.layers         llamacpp: layers offloaded to a GPU (default 0; needs a GPU build)
 * persona.&lt;name&gt;.seed               llamacpp: sampling seed (default: random)
 * persona.&lt;name&gt;.chat.template      llamacpp: a Jinja chat template replacing the model's
 * persona.&lt;name&gt;.requests.per.minute    rate limit of the persona's model (default: none)
 * persona.&lt;name&gt;.tokens.per.minute      token rate limit of the model (default: none)
 * persona.&lt;name&gt;.max.concurrency        calls at once to the model from this process (default: none)
 * persona.&lt;name&gt;.circuit.window         calls the circuit breaker judges by (default 100)
 * persona.&lt;name&gt;.circuit.failure.rate   failure percentage that opens it (default 50)
 * persona.&lt;name&gt;.circuit.open.ms        how long it stays open before a probe (default 10000)
 * persona.&lt;name&gt;.limits.group           personas with the same group share one set of limits
 *                                          (default: provider:model, so one model's limits are shared)
 * </pre>
 *
 * <p>Personas whose llamacpp settings are all equal share one provider, so the model is loaded once; the workers
 * close each distinct provider once.
 */
final class ModelsConfig {

    private final DialecticConfig config;
    private final Map<String, ModelGuard> guards = new HashMap<>();
    private final Map<LlamaCppSettings, LlamaCppProvider> llamaCpp = new HashMap<>();

    ModelsConfig(DialecticConfig config) {
        this.config = config;
    }

    PersonaProfile profile(String persona) {
        Map<String, Object> own = config.originalsWithPrefix("persona." + persona + ".");
        String provider = string(own, "provider", config.getString(DialecticConfig.LLM_PROVIDER));
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
        String model = string(own, "model", llm instanceof LlamaCppProvider local
                ? local.settings().modelName() : provider + "-" + persona);
        String group = string(own, "limits.group", provider + ":" + model);
        ModelGuard guard = guards.computeIfAbsent(group, name -> new ModelGuard(name, limits(persona, own)));
        try {
            return new PersonaProfile(persona, llm, model,
                    string(own, "system.prompt", Prompts.defaultSystemPrompt(persona)),
                    Integer.parseInt(string(own, "max.tokens", "1024")),
                    Double.parseDouble(string(own, "temperature", "0.7")), guard);
        } catch (NumberFormatException e) {
            throw new ConfigException("persona." + persona + ".max.tokens/temperature: " + e.getMessage());
        }
    }

    private static ModelGuard.Limits limits(String persona, Map<String, Object> own) {
        try {
            ModelGuard.Limits none = ModelGuard.Limits.none();
            return new ModelGuard.Limits(
                    optionalInt(own, "requests.per.minute"),
                    optionalInt(own, "tokens.per.minute"),
                    optionalInt(own, "max.concurrency"),
                    Integer.parseInt(string(own, "circuit.window", Integer.toString(none.circuitWindow()))),
                    Float.parseFloat(string(own, "circuit.failure.rate",
                            Float.toString(none.circuitFailureRatePercent()))),
                    Duration.ofMillis(Long.parseLong(string(own, "circuit.open.ms",
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
