package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.producers.Records;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultRendererTest {

    @Test
    void showsTheSynthesisWrappedAndIndented() {
        String paragraph = "word ".repeat(60).strip();
        SynthesisResult result = Records.result("t-1", ResultStatus.SUCCEEDED, paragraph + "\n\nSecond paragraph.", null);

        String text = ResultRenderer.render(result);

        assertThat(text).startsWith("task t-1  SUCCEEDED  mode parallel  variant baseline  total 1.0s\n")
                .contains("goal: goal of t-1\nsynthesis:\n  word word").contains("\n\n  Second paragraph.\n");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(102));
    }

    @Test
    void aFailureShowsItsReasonAndWhichStagesAnswered() {
        SynthesisResult result = Records.result("t-2", ResultStatus.PARTIAL, null, "stage synthesis failed: 503");
        result.setOutputs(new HashMap<>(Map.of("thesis", "t", "antithesis", "a")));

        assertThat(ResultRenderer.render(result)).contains("task t-2  PARTIAL", "reason: stage synthesis failed: 503",
                "no synthesis; stages that answered: antithesis, thesis").doesNotContain("synthesis:\n");
    }

    @Test
    void wrapsAtSpacesAndKeepsLongWordsWhole() {
        assertThat(ResultRenderer.wrap("aaa bbb ccc", 7)).containsExactly("aaa bbb", "ccc");
        assertThat(ResultRenderer.wrap("abcdefghij xy", 4)).containsExactly("abcdefghij", "xy");
        assertThat(ResultRenderer.wrap("", 10)).containsExactly("");
    }
}
