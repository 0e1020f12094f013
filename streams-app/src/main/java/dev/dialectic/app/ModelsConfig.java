package dev.dialectic.app;

import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.simulated.SimulatedProfile;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.worker.PersonaProfile;
import dev.dialectic.worker.Prompts;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Turns configuration into one {@link PersonaProfile} per persona. Per-persona keys, all optional:
 *
 * <pre>
 * persona.&lt;name&gt;.provider        simulated | openai | llamacpp   (default: llm.provider)
 * persona.&lt;name&gt;.model           model name given to the provider
 * persona.&lt;name&gt;.system.prompt   the persona's instructions
 * persona.&lt;name&gt;.max.tokens      longest answer (default 1024)
 * persona.&lt;name&gt;.temperature     sampling temperature (default 0.7)
 * simulated.&lt;name&gt;.latency.ms          simulated latency (default: reference x simulated.speed.factor)
 * simulated.&lt;name&gt;.ttft.ms             simulated time to first token (default: 10% of latency)
 * simulated.&lt;name&gt;.tokens.per.second   simulated token rate (default: 20 / speed factor)
 * </pre>
 */
final class ModelsConfig {

    private ModelsConfig() {}

    static PersonaProfile profile(DialecticConfig config, String persona) {
        Map<String, Object> own = config.originalsWithPrefix("persona." + persona + ".");
        String provider = string(own, "provider", config.getString(DialecticConfig.LLM_PROVIDER));
        LlmProvider llm = switch (provider) {
            case "simulated" -> new SimulatedProvider(persona, simulatedProfile(config, persona));
            default -> throw new ConfigException("persona." + persona + ".provider", provider,
                    "unknown provider (known: simulated)");
        };
        return new PersonaProfile(persona, llm, string(own, "model", provider + "-" + persona),
                string(own, "system.prompt", Prompts.defaultSystemPrompt(persona)),
                Integer.parseInt(string(own, "max.tokens", "1024")),
                Double.parseDouble(string(own, "temperature", "0.7")));
    }

    static SimulatedProfile simulatedProfile(DialecticConfig config, String persona) {
        Map<String, Object> own = config.originalsWithPrefix("simulated." + persona + ".");
        SimulatedProfile profile = SimulatedProfile.reference(persona,
                config.getDouble(DialecticConfig.SIMULATED_SPEED_FACTOR));
        try {
            if (own.containsKey("latency.ms")) {
                profile = profile.withLatency(Duration.ofMillis(Long.parseLong(own.get("latency.ms").toString())));
            }
            if (own.containsKey("ttft.ms")) {
                profile = profile.withTimeToFirstToken(Duration.ofMillis(Long.parseLong(own.get("ttft.ms").toString())));
            }
            if (own.containsKey("tokens.per.second")) {
                profile = profile.withTokensPerSecond(Double.parseDouble(own.get("tokens.per.second").toString()));
            }
            return profile.withJitter(config.getDouble(DialecticConfig.SIMULATED_JITTER))
                    .withFaults(config.getDouble(DialecticConfig.SIMULATED_ERROR_RATE),
                            config.getDouble(DialecticConfig.SIMULATED_TIMEOUT_RATE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("simulated." + persona + ".*: " + e.getMessage());
        }
    }

    private static String string(Map<String, Object> values, String key, String fallback) {
        Object value = values.get(key);
        return value == null ? fallback : value.toString();
    }
}
