package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.llm.simulated.SimulatedProfile;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SimulatedProfileConfigTest {

    @Test
    void aPersonasOwnSettingsOverrideTheReferenceAndTheOthersKeepIt() {
        DialecticConfig config = new DialecticConfig(Map.of(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.1",
                "simulated.thesis.latency.ms", "300", "simulated.thesis.ttft.ms", "50"));

        SimulatedProfile thesis = config.simulatedProfile("thesis");
        assertThat(thesis.latency()).isEqualTo(Duration.ofMillis(300));
        assertThat(thesis.timeToFirstToken()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.simulatedProfile("antithesis").latency()).isEqualTo(Duration.ofMillis(1_080));
    }

    @Test
    void aPersonasErrorRateOverridesTheGlobalOneForThatPersonaOnly() {
        DialecticConfig config = new DialecticConfig(Map.of(DialecticConfig.SIMULATED_ERROR_RATE, "0.1",
                DialecticConfig.SIMULATED_TIMEOUT_RATE, "0.05", "simulated.antithesis.error.rate", "0.5"));

        assertThat(config.simulatedProfile("antithesis").errorRate()).isEqualTo(0.5);
        assertThat(config.simulatedProfile("antithesis").timeoutRate()).isEqualTo(0.05);
        assertThat(config.simulatedProfile("thesis").errorRate()).isEqualTo(0.1);
        assertThat(config.unused()).doesNotContain("simulated.antithesis.error.rate");
    }

    @Test
    void anErrorRateOutsideZeroToOneOrNotANumberIsRefusedNamingThePersona() {
        assertThatThrownBy(() -> new DialecticConfig(Map.of("simulated.antithesis.error.rate", "1.5"))
                .simulatedProfile("antithesis"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("simulated.antithesis.*")
                .hasMessageContaining("rates in [0, 1]");
        assertThatThrownBy(() -> new DialecticConfig(Map.of("simulated.antithesis.error.rate", "often"))
                .simulatedProfile("antithesis"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("simulated.antithesis.*");
    }
}
