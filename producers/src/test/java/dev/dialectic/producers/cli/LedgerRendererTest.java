package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerRendererTest {

    private final LedgerRenderer renderer = new LedgerRenderer(40, true);

    @Test
    void headerNamesTheTaskAndItsTotalFromSubmissionToFinish() {
        String text = renderer.render(Ledgers.parallel("t-1"));

        assertThat(text.lines().findFirst()).contains(
                "task t-1  SUCCEEDED  mode parallel  variant baseline  total 15.5s (submitted → finished)");
        assertThat(text).contains("goal: Should we adopt a four-day week?");
    }

    @Test
    void parallelThesisAndAntithesisOverlapAndSynthesisStartsAfterBoth() {
        String text = renderer.render(Ledgers.parallel("t-1"));

        BitSet thesis = calls(text, "thesis");
        BitSet antithesis = calls(text, "antithesis");
        BitSet synthesis = calls(text, "synthesis");
        assertThat(thesis.intersects(antithesis)).as("thesis and antithesis side by side").isTrue();
        assertThat(thesis.nextSetBit(0)).isEqualTo(antithesis.nextSetBit(0));
        assertThat(synthesis.nextSetBit(0)).isGreaterThan(thesis.previousSetBit(39))
                .isGreaterThan(antithesis.previousSetBit(39));
        assertThat(synthesis.previousSetBit(39)).isEqualTo(39);
    }

    @Test
    void sequentialStagesFollowEachOther() {
        String text = renderer.render(Ledgers.sequential("t-2"));

        BitSet thesis = calls(text, "thesis");
        BitSet antithesis = calls(text, "antithesis");
        BitSet synthesis = calls(text, "synthesis");
        assertThat(thesis.intersects(antithesis)).isFalse();
        assertThat(antithesis.intersects(synthesis)).isFalse();
        assertThat(thesis.previousSetBit(39)).isLessThan(antithesis.nextSetBit(0));
        assertThat(antithesis.previousSetBit(39)).isLessThan(synthesis.nextSetBit(0));
    }

    @Test
    void barsAreProportionalToTheSharedAxis() {
        // Antithesis ran 10.8 s of an axis of 15.4 s (accepted 50 ms, finished 15.45 s): about 28 of 40 columns.
        BitSet antithesis = calls(renderer.render(Ledgers.parallel("t-1")), "antithesis");

        assertThat(antithesis.cardinality()).isBetween(27, 29);
    }

    @Test
    void showsTheWaitForAWorkerBeforeTheCall() {
        String bar = bar(renderer.render(Ledgers.sequential("t-2")), "antithesis");

        int firstCall = bar.indexOf('█');
        assertThat(bar.substring(0, firstCall).strip()).isNotEmpty().matches("░+");
    }

    @Test
    void eachStageShowsStatusDurationTimeToFirstTokenAndTokens() {
        String line = line(renderer.render(Ledgers.parallel("t-1")), "antithesis");

        assertThat(line).contains("SUCCEEDED").contains("took 10.8s").contains("ttft 400ms")
                .contains("tokens 100 in, 400 out");
    }

    @Test
    void idealCriticalPathFollowsTheModesDependencies() {
        assertThat(LedgerRenderer.idealCriticalPath(Ledgers.parallel("t-1"))).contains(Duration.ofMillis(15_200));
        assertThat(LedgerRenderer.idealCriticalPath(Ledgers.sequential("t-2"))).contains(Duration.ofMillis(19_700));

        assertThat(renderer.render(Ledgers.parallel("t-1"))).contains("critical path: ideal 15.2s = max(thesis 4.5s,"
                + " antithesis 10.8s) + synthesis 4.4s; actual 15.5s (+250ms)");
        assertThat(renderer.render(Ledgers.sequential("t-2"))).contains("critical path: ideal 19.7s = thesis 4.5s"
                + " + antithesis 10.8s + synthesis 4.4s; actual 21.0s (+1.3s)");
    }

    @Test
    void aRunningTaskIsDrawnUpToTheLatestTimeItsLedgerKnows() {
        TaskLedger running = Ledgers.ledger("t-3", "parallel", TaskStatus.RUNNING, -1, List.of(
                Ledgers.stage("thesis", 60, 100, 400, 4_600, 4_650),
                Ledgers.requested("antithesis", 60),
                Ledgers.pending("synthesis")));

        String text = renderer.render(running);

        assertThat(text).contains("total (not finished)").contains("critical path: n/a");
        assertThat(bar(text, "thesis").strip()).endsWith("█");
        assertThat(bar(text, "antithesis").strip()).matches("░+");
        assertThat(bar(text, "synthesis")).isBlank();
        assertThat(line(text, "synthesis")).contains("PENDING").contains("took -");
    }

    @Test
    void aFailedStageShowsItsError() {
        StageTiming failed = Ledgers.stage("antithesis", 60, 120, 520, 10_920, 10_950);
        failed.setStatus(StageStatus.FAILED);
        failed.setError("model answered HTTP 503");
        TaskLedger ledger = Ledgers.ledger("t-4", "parallel", TaskStatus.PARTIAL, 10_950, List.of(
                Ledgers.stage("thesis", 60, 100, 400, 4_600, 4_650), failed, Ledgers.pending("synthesis")));
        ledger.setReason("stage antithesis failed: model answered HTTP 503");

        String text = renderer.render(ledger);

        assertThat(text).contains("reason: stage antithesis failed: model answered HTTP 503")
                .contains(" error: model answered HTTP 503");
    }

    @Test
    void aStageAskedForAgainSaysWhyForEachNewAttempt() {
        StageTiming thesis = Ledgers.stage("thesis", 60, 100, 400, 4_600, 4_650);
        thesis.setAttempts(2);
        thesis.setReRequests(List.of("the request of attempt 1 was archived unserved after 5 deliveries"));
        TaskLedger ledger = Ledgers.ledger("t-5", "parallel", TaskStatus.SUCCEEDED, 10_950, List.of(
                thesis, Ledgers.stage("antithesis", 60, 120, 520, 4_920, 4_950),
                Ledgers.stage("synthesis", 4_950, 4_960, 5_000, 10_900, 10_950)));

        assertThat(renderer.render(ledger))
                .contains(" attempt 2 asked because: the request of attempt 1 was archived unserved after 5 deliveries");
    }

    @Test
    void showsWhatThePoliciesDecided() {
        TaskLedger ledger = Ledgers.parallel("t-6");
        ledger.setRequestedMode("adaptive");
        ledger.setComplexity(3.25);
        ledger.setFallbackStage("antithesis");
        ledger.setFallbackReason("model timed out\nafter 30s");
        ledger.setVerdicts(List.of("pass 1 failed by rules: too short", "pass 2 passed by rules"));
        ledger.setResonance(Map.of("tone", "calm", "intent", "decide"));
        ledger.setNotes(List.of("adaptive: complexity 3.2 < 5, parallel"));

        String text = renderer.render(ledger);

        assertThat(text.lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .contains("mode parallel (adaptive, complexity 3.3)  variant baseline"));
        assertThat(text).contains("fell back to the sequential chain at antithesis: model timed out after 30s\n",
                "verdict: pass 1 failed by rules: too short\nverdict: pass 2 passed by rules\n",
                "resonance: intent=decide, tone=calm\n", "note: adaptive: complexity 3.2 < 5, parallel\n");
        assertThat(renderer.render(Ledgers.parallel("t-7"))).doesNotContain("fell back", "verdict:", "resonance:",
                "note:", "adaptive");
    }

    @Test
    void aStageAnsweredFromTheCacheSaysSoAndWhatItSaved() {
        TaskLedger ledger = Ledgers.parallel("t-8");
        ledger.getStages().getFirst().setCacheHit(true);
        ledger.getStages().getFirst().setSavedMs(4_500);

        assertThat(line(renderer.render(ledger), "thesis")).endsWith("  (from the cache, saved 4.5s)");
        assertThat(line(renderer.render(ledger), "antithesis")).doesNotContain("cache");
    }

    @Test
    void drawsWithAsciiWhenAskedTo() {
        String text = new LedgerRenderer(40, false).render(Ledgers.parallel("t-1"));

        assertThat(text).doesNotContain("█", "░", "→").contains("#", "(submitted -> finished)");
        assertThat(bar(text, "synthesis")).contains("#");
    }

    private static BitSet calls(String text, String stage) {
        String bar = bar(text, stage);
        BitSet columns = new BitSet();
        for (int i = 0; i < bar.length(); i++) {
            if (bar.charAt(i) == '█') {
                columns.set(i);
            }
        }
        assertThat(columns.isEmpty()).as("%s has a call bar", stage).isFalse();
        return columns;
    }

    private static String bar(String text, String stage) {
        String line = line(text, stage);
        String bar = line.substring(line.indexOf('|') + 1, line.indexOf('|', line.indexOf('|') + 1));
        assertThat(bar).hasSize(40);
        return bar;
    }

    private static String line(String text, String stage) {
        return text.lines().filter(l -> l.startsWith(stage + " ")).findFirst().orElseThrow();
    }
}
