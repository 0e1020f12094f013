package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dialectic.tasks.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveMixTest {

    @Test
    void adaptiveIsComparedWithTheFixedModesWeightedByItsChoices() {
        Timelines run = new Timelines(List.of(
                timeline(Mode.PARALLEL, Mode.PARALLEL, 2600), timeline(Mode.PARALLEL, Mode.PARALLEL, 2800),
                timeline(Mode.SEQUENTIAL, Mode.SEQUENTIAL, 3100), timeline(Mode.SEQUENTIAL, Mode.SEQUENTIAL, 3300),
                timeline(Mode.ADAPTIVE, Mode.PARALLEL, 2700), timeline(Mode.ADAPTIVE, Mode.PARALLEL, 2900),
                timeline(Mode.ADAPTIVE, Mode.PARALLEL, 2700), timeline(Mode.ADAPTIVE, Mode.SEQUENTIAL, 3500)),
                0, 0, 0);

        AdaptiveMix mix = AdaptiveMix.of(run);

        assertThat(mix.adaptive().count()).isEqualTo(4);
        assertThat(mix.adaptive().mean()).isEqualTo(2950);
        assertThat(mix.parallelShare()).isEqualTo(0.75);
        assertThat(mix.chosenParallel().count()).isEqualTo(3);
        assertThat(mix.chosenSequential().mean()).isEqualTo(3500);
        assertThat(mix.parallel().mean()).as("only tasks that asked for parallel").isEqualTo(2700);
        assertThat(mix.sequential().mean()).isEqualTo(3200);
        assertThat(mix.fixedModesMeanMs()).isEqualTo(0.75 * 2700 + 0.25 * 3200);
        assertThat(mix.versusFixedModes()).isCloseTo(2950 / 2825.0, within(1e-12));
    }

    @Test
    void withoutAdaptiveTasksTheShareIsNotANumber() {
        AdaptiveMix mix = AdaptiveMix.of(new Timelines(List.of(timeline(Mode.PARALLEL, Mode.PARALLEL, 2600)), 0, 0, 0));

        assertThat(mix.adaptive().count()).isZero();
        assertThat(mix.parallelShare()).isNaN();
        assertThat(mix.versusFixedModes()).isNaN();
    }

    static Timeline timeline(Mode requested, Mode ran, double endToEndMs) {
        return new Timeline("task", ran, requested, false, 0, endToEndMs, 2500, 2950, Map.of(), 3, Map.of(),
                Map.of(), 30);
    }
}
