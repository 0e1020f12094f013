package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FigureTest {

    @Test
    void aFigureIsOneComparableLine() {
        assertThat(new Figure("overhead.p50", 131.4, "ms").line()).isEqualTo("overhead.p50: 131 ms");
        assertThat(new Figure("throughput.sustained", 962.0, "tasks/s").line())
                .isEqualTo("throughput.sustained: 962 tasks/s");
    }

    @Test
    void decimalsFollowTheSizeOfTheValue() {
        assertThat(Figure.format(1.19, "x")).isEqualTo("1.19");
        assertThat(Figure.format(3.0, "x")).isEqualTo("3.00");
        assertThat(Figure.format(12.6, "s")).isEqualTo("13");
        assertThat(Figure.format(2.46, "s")).isEqualTo("2.5");
        assertThat(Figure.format(0.094, "ms")).isEqualTo("0.09");
        assertThat(Figure.format(4.0, "cores")).isEqualTo("4");
    }

    @Test
    void anUnmeasuredValueSaysSo() {
        assertThat(new Figure("scale.drain", Double.NaN, "s").line()).isEqualTo("scale.drain: n/a s");
    }
}
