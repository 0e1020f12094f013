package dev.dialectic.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanaryStateTest {

    private static final ControlRules RULES = new ControlRules(Set.of("fast", "slow"), 20);
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");

    static CanaryState apply(CanaryState state, String name, String value) {
        ControlRules.Outcome outcome = RULES.apply(state, name, new Setting(name, value, T0, "test", null));
        assertThat(outcome.rejection()).isEmpty();
        return outcome.state();
    }

    static CanaryState canary(String percent) {
        return apply(apply(CanaryState.INITIAL, ControlSettings.VARIANT, "fast"), ControlSettings.PERCENT, percent);
    }

    @Test
    void withoutAVariantEveryTaskRunsOnBaseline() {
        CanaryState state = apply(CanaryState.INITIAL, ControlSettings.PERCENT, "50");
        assertThat(state.canaryPartitions(20)).isEmpty();
        assertThat(state.variantOf(0, 20)).isEqualTo(ControlSettings.BASELINE);
        assertThat(state.describe(20)).isEqualTo("no canary: every task runs on baseline");
    }

    @Test
    void aPercentTakesTheLowestCeilingOfPartitionsTimesPercent() {
        assertThat(canary("5").canaryPartitions(20)).containsExactly(0);
        assertThat(canary("25").canaryPartitions(20)).containsExactly(0, 1, 2, 3, 4);
        assertThat(canary("100").canaryPartitions(20)).hasSize(20);
        assertThat(canary("0").canaryPartitions(20)).isEmpty();
        assertThat(canary("5").canaryPartitions(3)).containsExactly(0); // 5% of 3 partitions is a third of the tasks
        assertThat(canary("50").canaryPartitions(3)).containsExactly(0, 1);
        assertThat(canary("2.5").canaryPartitions(40)).containsExactly(0);
        assertThat(canary("25").variantOf(4, 20)).isEqualTo("fast");
        assertThat(canary("25").variantOf(5, 20)).isEqualTo(ControlSettings.BASELINE);
    }

    @Test
    void theDescriptionSaysWhatShareOfTasksThatReallyIs() {
        assertThat(canary("25").describe(20))
                .isEqualTo("canary 'fast' on partitions 0-4 of 20 = 25% of tasks (canary.percent 25)");
        assertThat(canary("5").describe(3))
                .isEqualTo("canary 'fast' on partition 0 of 3 = 33.3% of tasks (canary.percent 5)");
        assertThat(canary("0").describe(20))
                .isEqualTo("canary 'fast' on no partition: every task runs on baseline (canary.percent 0)");
    }

    @Test
    void theNewerOfPercentAndPartitionsChooses() {
        CanaryState named = apply(canary("25"), ControlSettings.PARTITIONS, "3,7,8,9");
        assertThat(named.canaryPartitions(20)).containsExactly(3, 7, 8, 9);
        assertThat(named.percent()).isEmpty();
        assertThat(named.describe(20)).contains("partitions 3,7-9 of 20 = 20% of tasks (canary.partitions 3,7,8,9)");
        CanaryState percentAgain = apply(named, ControlSettings.PERCENT, "10");
        assertThat(percentAgain.canaryPartitions(20)).containsExactly(0, 1);
        CanaryState tombstone = RULES.apply(percentAgain, ControlSettings.PERCENT, null).state();
        assertThat(tombstone.canaryPartitions(20)).containsExactly(3, 7, 8, 9);
    }

    @Test
    void aTombstoneOfTheVariantEndsTheCanary() {
        CanaryState ended = RULES.apply(canary("50"), ControlSettings.VARIANT, null).state();
        assertThat(ended.live(20)).isFalse();
        assertThat(ended.variant()).isEmpty();
    }
}
