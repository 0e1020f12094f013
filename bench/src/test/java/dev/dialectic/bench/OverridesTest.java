package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OverridesTest {

    private static final Set<String> SCENARIOS = Set.of("overhead", "throughput");

    @Test
    void aScopedSettingWinsOverAGlobalOneWhichWinsOverTheScenarioDefault() {
        Overrides overrides = Overrides.parse(List.of("worker.consumers=16", "throughput:worker.consumers=32",
                "orchestrator.commit.interval.ms = 50"), SCENARIOS);
        Map<String, String> defaults = Map.of("worker.consumers", "64", "orchestrator.commit.interval.ms", "100");

        assertThat(overrides.apply("throughput", defaults))
                .containsEntry("worker.consumers", "32")
                .containsEntry("orchestrator.commit.interval.ms", "50");
        assertThat(overrides.apply("overhead", defaults)).containsEntry("worker.consumers", "16");
    }

    @Test
    void aValueMayContainEqualsSigns() {
        Overrides overrides = Overrides.parse(List.of("kafka.sasl.jaas.config=a=b"), SCENARIOS);
        assertThat(overrides.apply("overhead", Map.of())).containsEntry("kafka.sasl.jaas.config", "a=b");
    }

    @Test
    void malformedValuesAndUnknownScenariosAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Overrides.parse(List.of("worker.consumers"), SCENARIOS))
                .hasMessageContaining("[scenario:]key=value").hasMessageContaining("'worker.consumers'");
        assertThatThrownBy(() -> Overrides.parse(List.of("=3"), SCENARIOS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Overrides.parse(List.of("throughput:=3"), SCENARIOS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Overrides.parse(List.of("scael:worker.consumers=3"), SCENARIOS))
                .hasMessageContaining("no scenario 'scael'");
    }
}
