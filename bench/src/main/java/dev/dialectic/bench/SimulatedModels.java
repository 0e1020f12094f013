package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.llm.simulated.SimulatedProfile;
import java.time.Duration;
import java.util.Map;

/**
 * The simulated model profile the service would give a persona for the same settings, for the in-process
 * baseline. Reads the keys the service documents ({@code simulated.speed.factor}, {@code simulated.jitter},
 * the fault rates and {@code simulated.<persona>.latency.ms / ttft.ms / tokens.per.second}) in the same order
 * of application; the service's own reader is internal to it.
 */
final class SimulatedModels {

    private SimulatedModels() {}

    static SimulatedProfile profile(DialecticConfig config, String persona) {
        Map<String, Object> own = config.originalsWithPrefix("simulated." + persona + ".");
        SimulatedProfile profile = SimulatedProfile.reference(persona,
                config.getDouble(DialecticConfig.SIMULATED_SPEED_FACTOR));
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
    }
}
