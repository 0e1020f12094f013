package dev.dialectic.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.spec.Policies;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityGateTest {

    private final QualityGate gate = new QualityGate(new Policies.Gate(true, 10, 200, true, null, 1));

    @Test
    void anAnswerWithinBoundsThatEngagesWithEveryInputPasses() {
        Verdict verdict = gate.rules("Adopt Kafka for durable events, keeping operational costs visible and risks bounded.",
                Map.of("thesis", "Kafka gives durable events and replay.",
                        "antithesis", "Operational costs and risks of running brokers are real."));
        assertThat(verdict).isEqualTo(new Verdict(true, Verdict.RULES, ""));
    }

    @Test
    void emptyShortLongAndDisengagedAnswersFailWithFeedback() {
        assertThat(gate.rules("  ", Map.of())).isEqualTo(new Verdict(false, Verdict.RULES, "The answer is empty."));
        assertThat(gate.rules("Too short", Map.of()).feedback())
                .isEqualTo("The answer has 9 characters; at least 10 are needed.");
        assertThat(gate.rules("x".repeat(201), Map.of()).feedback())
                .isEqualTo("The answer has 201 characters; at most 200 are allowed.");
        Verdict disengaged = gate.rules("Bananas are yellow and delicious fruits.",
                Map.of("antithesis", "Operational costs and risks of running brokers are real."));
        assertThat(disengaged.passed()).isFalse();
        assertThat(disengaged.feedback()).isEqualTo(
                "The answer does not engage with the antithesis (it shares 0 of the 3 content words needed).");
    }

    @Test
    void engagementCanBeSwitchedOff() {
        QualityGate lenient = new QualityGate(new Policies.Gate(true, 1, 100, false, null, 1));
        assertThat(lenient.rules("Bananas.", Map.of("thesis", "Operational costs and risks")).passed()).isTrue();
    }

    @Test
    void aJudgesReplyIsReadTolerantly() {
        assertThat(QualityGate.judged("judge", "PASS")).isEqualTo(new Verdict(true, "judge", ""));
        assertThat(QualityGate.judged("judge", "Verdict: fail - it ignores the costs."))
                .isEqualTo(new Verdict(false, "judge", "it ignores the costs."));
        assertThat(QualityGate.judged("judge", "**Rejected**: too vague").passed()).isFalse();
        assertThat(QualityGate.judged("judge", "Approved. Clear and balanced.").feedback())
                .isEqualTo("Clear and balanced.");
        assertThat(QualityGate.judged("judge", "I think it is fine")).isEqualTo(new Verdict(true, "judge",
                "no readable verdict in the judge's reply; counted as a pass"));
    }
}
