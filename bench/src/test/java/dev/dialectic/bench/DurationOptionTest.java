package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationOptionTest {

    @Test
    void optionsTakeDurationsAsEveryDialecticCommandDoes() {
        assertThat(new DurationOption().convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(new DurationOption().convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> new DurationOption().convert("30"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'30' is not a duration (e.g. 500ms, 30s, 2m, 1h30m)");
    }

    @Test
    void reportsShowMillisecondsBelowASecondAndSecondsAbove() {
        assertThat(DurationOption.describe(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(DurationOption.describe(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(DurationOption.describe(Duration.ofSeconds(30))).isEqualTo("30 s");
    }
}
