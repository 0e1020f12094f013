package dev.dialectic.canary;

import dev.dialectic.text.Durations;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the decision-maker writes to {@code control} after judging a live canary: a rollback when it is unhealthy
 * (percent 0 and the ramp off, by {@value ControlSettings#AUTO_ROLLBACK}, with the reason), the next step of its
 * ramp once the current step has been held and the canary is healthy (by {@value ControlSettings#AUTO_RAMP}), else
 * nothing.
 */
public final class CanaryDecisions {

    private CanaryDecisions() {}

    /**
     * The settings to write now.
     *
     * @param state the settings in force
     * @param judgement the canary's judgement over the window (see {@link RollbackRule#judge})
     * @param partitionCount partitions of {@code tasks}
     * @param now the decision's time
     */
    public static List<Setting> decide(CanaryState state, RollbackRule.Judgement judgement, int partitionCount,
            Instant now) {
        List<Setting> decisions = new ArrayList<>();
        if (!state.live(partitionCount)) {
            return decisions;
        }
        String variant = state.variant().orElseThrow();
        if (judgement.health() == RollbackRule.Health.UNHEALTHY) {
            String reason = "canary '" + variant + "' rolled back: " + judgement.reason();
            if (state.ramp().isPresent()) {
                decisions.add(new Setting(ControlSettings.RAMP, "", now, ControlSettings.AUTO_ROLLBACK, reason));
            }
            decisions.add(new Setting(ControlSettings.PERCENT, "0", now, ControlSettings.AUTO_ROLLBACK, reason));
            return decisions;
        }
        Optional<BigDecimal> percent = state.percent();
        Optional<Setting> step = state.setting(ControlSettings.PERCENT);
        if (judgement.health() == RollbackRule.Health.HEALTHY && state.ramp().isPresent() && percent.isPresent()
                && step.isPresent()) {
            Ramp ramp = state.ramp().get();
            boolean held = !now.isBefore(step.get().updatedAt().plus(ramp.hold()));
            ramp.next(percent.get()).filter(next -> held).ifPresent(next -> decisions.add(new Setting(
                    ControlSettings.PERCENT, next.toPlainString(), now, ControlSettings.AUTO_RAMP,
                    "canary '" + variant + "' held " + percent.get().toPlainString() + "% for "
                            + Durations.format(ramp.hold()) + ": " + judgement.reason())));
        }
        return decisions;
    }
}
