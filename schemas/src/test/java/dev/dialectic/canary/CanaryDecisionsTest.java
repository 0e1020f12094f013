package dev.dialectic.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanaryDecisionsTest {

    private static final ControlRules RULES = new ControlRules(Set.of("fast"), 20);
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");
    private static final RollbackRule RULE = new RollbackRule(0.05, 0.10, 20, Duration.ofMinutes(10));

    private static CanaryState set(CanaryState state, String name, String value, Instant at) {
        return RULES.apply(state, name, new Setting(name, value, at, "alice", "try it")).state();
    }

    private static TaskLedger ledger(String id, String variant, TaskStatus status, boolean fellBack, Instant finished) {
        return TaskLedger.newBuilder().setTaskId(id).setGoal("g").setVariant(variant).setMode("parallel")
                .setStatus(status).setSubmittedAt(finished.minusSeconds(2)).setAcceptedAt(finished.minusSeconds(2))
                .setDeadlineAt(null).setFinishedAt(finished).setReason(null).setStages(new ArrayList<StageTiming>())
                .setTransitions(3).setAttributes(new HashMap<>()).setRequestedMode(null).setComplexity(null)
                .setFallbackStage(fellBack ? "thesis" : null).setFallbackReason(null).setFellBackAt(null)
                .setVerdicts(new ArrayList<>()).setResonance(new HashMap<>()).setNotes(new ArrayList<>()).build();
    }

    /** {@code tasks} finished canary tasks of which {@code failed} FAILED, and as many healthy baseline tasks. */
    private static LedgerWindow window(int tasks, int failed, Instant at) {
        LedgerWindow window = new LedgerWindow(RULE.window());
        for (int i = 0; i < tasks; i++) {
            window.add(ledger("c" + i, "fast", i < failed ? TaskStatus.FAILED : TaskStatus.SUCCEEDED, false, at));
            window.add(ledger("b" + i, "baseline", TaskStatus.SUCCEEDED, false, at));
        }
        return window;
    }

    private static RollbackRule.Judgement judge(LedgerWindow window, CanaryState state, Instant now) {
        Instant since = state.startedAt().orElse(null);
        return RULE.judge(window.figures("fast", since, now), window.figures("baseline", since, now));
    }

    @Test
    void anUnhealthyCanaryIsRolledBackOnlyAfterItsMinimumSample() {
        CanaryState state = set(set(CanaryState.INITIAL, ControlSettings.VARIANT, "fast", T0),
                ControlSettings.PERCENT, "25", T0);
        Instant now = T0.plusSeconds(60);
        RollbackRule.Judgement early = judge(window(10, 5, T0.plusSeconds(30)), state, now);
        assertThat(early.health()).isEqualTo(RollbackRule.Health.TOO_FEW);
        assertThat(CanaryDecisions.decide(state, early, 20, now)).isEmpty();

        RollbackRule.Judgement judged = judge(window(40, 8, T0.plusSeconds(30)), state, now);
        assertThat(judged.health()).isEqualTo(RollbackRule.Health.UNHEALTHY);
        assertThat(judged.reason()).startsWith("error rate 20.0% > 5.0% (canary 40 tasks, errors 20.0%")
                .contains("baseline 40 tasks, errors 0.0%");
        List<Setting> decided = CanaryDecisions.decide(state, judged, 20, now);
        assertThat(decided).singleElement().satisfies(setting -> {
            assertThat(setting.name()).isEqualTo(ControlSettings.PERCENT);
            assertThat(setting.value()).isEqualTo("0");
            assertThat(setting.updatedBy()).isEqualTo(ControlSettings.AUTO_ROLLBACK);
            assertThat(setting.reason()).contains("canary 'fast' rolled back: error rate 20.0% > 5.0%");
        });
        CanaryState after = RULES.apply(state, ControlSettings.PERCENT, decided.getFirst()).state();
        assertThat(after.live(20)).isFalse();
        assertThat(CanaryDecisions.decide(after, judged, 20, now)).isEmpty();
    }

    @Test
    void fallbacksCountAgainstTheirOwnThreshold() {
        LedgerWindow window = new LedgerWindow(RULE.window());
        for (int i = 0; i < 20; i++) {
            window.add(ledger("c" + i, "fast", TaskStatus.SUCCEEDED, i < 3, T0));
        }
        Figures canary = window.figures("fast", null, T0);
        assertThat(canary.fallbackRate()).isEqualTo(0.15);
        assertThat(RULE.judge(canary, window.figures("baseline", null, T0)).reason()).startsWith("fallback rate 15.0% > 10.0%");
    }

    @Test
    void tasksBeforeTheCanaryStartedOrOutsideTheWindowDoNotCount() {
        LedgerWindow window = window(30, 30, T0.minusSeconds(10));
        assertThat(window.figures("fast", T0, T0.plusSeconds(5)).tasks()).isZero();
        assertThat(window.figures("fast", null, T0.plusSeconds(5)).tasks()).isEqualTo(30);
        assertThat(window.figures("fast", null, T0.plus(Duration.ofMinutes(11))).tasks()).isZero();
    }

    @Test
    void aLedgerRewrittenAtEachTransitionCountsOnceAsItEnded() {
        LedgerWindow window = new LedgerWindow(RULE.window());
        window.add(ledger("t", "fast", TaskStatus.RUNNING, false, T0));
        window.add(ledger("t", "fast", TaskStatus.FAILED, false, T0));
        window.add(ledger("t", "fast", TaskStatus.FAILED, false, T0));
        assertThat(window.figures("fast", null, T0)).extracting(Figures::tasks, Figures::errors).containsExactly(1, 1);
    }

    @Test
    void aHealthyCanaryAdvancesOneStepPerHold() {
        CanaryState state = set(set(set(CanaryState.INITIAL, ControlSettings.VARIANT, "fast", T0),
                ControlSettings.RAMP, "5,25,50,100/10m", T0), ControlSettings.PERCENT, "5", T0);
        RollbackRule.Judgement healthy = judge(window(40, 0, T0.plusSeconds(30)), state, T0.plusSeconds(60));
        assertThat(healthy.health()).isEqualTo(RollbackRule.Health.HEALTHY);
        assertThat(CanaryDecisions.decide(state, healthy, 20, T0.plus(Duration.ofMinutes(9)))).isEmpty();
        Instant held = T0.plus(Duration.ofMinutes(10));
        List<Setting> next = CanaryDecisions.decide(state, healthy, 20, held);
        assertThat(next).singleElement().satisfies(setting -> {
            assertThat(setting.value()).isEqualTo("25");
            assertThat(setting.updatedBy()).isEqualTo(ControlSettings.AUTO_RAMP);
            assertThat(setting.reason()).startsWith("canary 'fast' held 5% for 10m: healthy");
        });
        CanaryState at100 = set(state, ControlSettings.PERCENT, "100", held);
        assertThat(CanaryDecisions.decide(at100, healthy, 20, held.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void anUnhealthyRampIsStoppedAndRolledBack() {
        CanaryState state = set(set(set(CanaryState.INITIAL, ControlSettings.VARIANT, "fast", T0),
                ControlSettings.RAMP, "5,25,50,100/10m", T0), ControlSettings.PERCENT, "25", T0);
        RollbackRule.Judgement sick = judge(window(40, 10, T0.plusSeconds(30)), state, T0.plusSeconds(60));
        List<Setting> decided = CanaryDecisions.decide(state, sick, 20, T0.plus(Duration.ofMinutes(20)));
        assertThat(decided).extracting(Setting::name, Setting::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ControlSettings.RAMP, ""),
                        org.assertj.core.groups.Tuple.tuple(ControlSettings.PERCENT, "0"));
        CanaryState after = state;
        for (Setting setting : decided) {
            after = RULES.apply(after, setting.name(), setting).state();
        }
        assertThat(after.ramp()).isEmpty();
        assertThat(after.live(20)).isFalse();
    }
}
