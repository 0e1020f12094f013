package dev.dialectic.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControlRulesTest {

    private static final ControlRules RULES = new ControlRules(Set.of("fast"), 20);

    private static Optional<String> problem(String key, String value) {
        return RULES.problem(key, new Setting(key, value, Instant.EPOCH, "test", null));
    }

    @Test
    void validSettingsPass() {
        assertThat(problem(ControlSettings.VARIANT, "fast")).isEmpty();
        assertThat(problem(ControlSettings.PERCENT, "0")).isEmpty();
        assertThat(problem(ControlSettings.PERCENT, "100")).isEmpty();
        assertThat(problem(ControlSettings.PERCENT, "12.5")).isEmpty();
        assertThat(problem(ControlSettings.PARTITIONS, "0, 7,19")).isEmpty();
        assertThat(problem(ControlSettings.PARTITIONS, "")).isEmpty();
        assertThat(problem(ControlSettings.RAMP, "5,25,50,100/10m")).isEmpty();
        assertThat(problem(ControlSettings.RAMP, "")).isEmpty();
        assertThat(RULES.problem(ControlSettings.PERCENT, null)).isEmpty();
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThat(problem("canary.speed", "1")).contains(
                "unknown setting 'canary.speed' (known: canary.variant, canary.percent, canary.partitions, canary.ramp)");
        assertThat(problem(ControlSettings.PERCENT, "101")).contains("canary.percent must be a number from 0 to 100, got '101'");
        assertThat(problem(ControlSettings.PERCENT, "-1")).isPresent();
        assertThat(problem(ControlSettings.PERCENT, "lots")).isPresent();
        assertThat(problem(ControlSettings.VARIANT, "slow")).contains(
                "canary.variant: unknown variant 'slow' (the spec's releases: fast)");
        assertThat(problem(ControlSettings.VARIANT, "baseline")).get().asString().contains("is the spec itself");
        assertThat(problem(ControlSettings.PARTITIONS, "3,20")).contains(
                "canary.partitions: partition 20 of tasks does not exist (it has 20: 0-19)");
        assertThat(problem(ControlSettings.PARTITIONS, "3,x")).contains(
                "canary.partitions: 'x' is not a partition number (e.g. 0,7,13)");
        assertThat(problem(ControlSettings.RAMP, "50,25/10m")).get().asString().contains("rise strictly");
        assertThat(problem(ControlSettings.RAMP, "5,25")).get().asString().contains("<steps>/<hold>");
        assertThat(RULES.problem(null, null)).isPresent();
        assertThat(RULES.problem(ControlSettings.PERCENT,
                new Setting(ControlSettings.VARIANT, "fast", Instant.EPOCH, null, null))).get().asString().contains("differ");
    }

    @Test
    void aRefusedRecordLeavesTheStateAsItWas() {
        CanaryState state = CanaryStateTest.canary("25");
        ControlRules.Outcome outcome = new ControlRules(Set.of("fast", "slow"), 20).apply(state, ControlSettings.PERCENT,
                new Setting(ControlSettings.PERCENT, "150", Instant.EPOCH, "test", null));
        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.state()).isSameAs(state);
    }

    @Test
    void withoutTheSpecTheVariantIsNotChecked() {
        assertThat(new ControlRules(null, 3).problem(ControlSettings.VARIANT,
                new Setting(ControlSettings.VARIANT, "anything", Instant.EPOCH, null, null))).isEmpty();
    }

    @Test
    void rampsReadBackAsWritten() {
        Ramp ramp = Ramp.parse("5,25,50,100/10m");
        assertThat(ramp.toString()).isEqualTo("5,25,50,100/10m");
        assertThat(Ramp.parse("1,2/1500ms").toString()).isEqualTo("1,2/1500ms");
        assertThat(ramp.next(new java.math.BigDecimal("25"))).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("50"));
        assertThat(ramp.next(new java.math.BigDecimal("100"))).isEmpty();
    }
}
