package dev.dialectic.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictLinesTest {

    @Test
    void aLineSaysThePassTheVerdictWhoJudgedAndTheFeedback() {
        assertThat(VerdictLines.line(1, false, "rules", "The answer is empty."))
                .isEqualTo("pass 1 failed by rules: The answer is empty.");
        assertThat(VerdictLines.line(2, true, "judge", "")).isEqualTo("pass 2 passed by judge");
        assertThat(VerdictLines.line(3, true, "judge", null)).isEqualTo("pass 3 passed by judge");
    }

    @Test
    void linesReadBackAsPassedOrFailed() {
        String failed = VerdictLines.line(1, false, "judge", "it says passed by nobody");
        String passed = VerdictLines.line(12, true, "rules", "");

        assertThat(VerdictLines.failed(failed)).isTrue();
        assertThat(VerdictLines.passed(failed)).isFalse();
        assertThat(VerdictLines.passed(passed)).isTrue();
        assertThat(VerdictLines.failed(passed)).isFalse();
        assertThat(VerdictLines.passed("a note: pass 1 passed by rules")).isFalse();
    }
}
