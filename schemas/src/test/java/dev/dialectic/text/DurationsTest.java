package dev.dialectic.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesAmountsWithUnits() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse(" 1H30M ")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1m30s250ms")).isEqualTo(Duration.ofMillis(90_250));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void parsesIso8601() {
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("pt1m")).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "", "abc", "-5s", "5 s", "1.5s", "5sec", "P", "PTxS"})
    void refusesAnythingElseWithAOneLineReason(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration (e.g. 500ms, 30s, 2m, 1h30m)");
    }

    @Test
    void refusesAmountsTooLargeForADuration() {
        assertThatThrownBy(() -> Durations.parse("99999999999999999999s")).hasMessageContaining("too long");
    }

    @Test
    void formatsForPeople() {
        assertThat(Durations.format(Duration.ofMillis(340))).isEqualTo("340ms");
        assertThat(Durations.format(Duration.ofMillis(4_549))).isEqualTo("4.5s");
        assertThat(Durations.format(Duration.ofMillis(125_300))).isEqualTo("2m5.3s");
        assertThat(Durations.format(Duration.ofMinutes(6))).isEqualTo("6m");
        assertThat(Durations.format(Duration.ofMinutes(135))).isEqualTo("2h15m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(-400))).isEqualTo("-400ms");
    }
}
