package dev.dialectic.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimerTest {

    @Test
    void timersRoundTripThroughTheirEncodingWithAnyTaskIdOrStage() {
        for (Timer timer : new Timer[] {Timer.deadline(1_795_435_260_000L, "t|1"), Timer.purge(5, "a-b"),
                Timer.attempt(42, "task|with|bars", "stage|x", 3)}) {
            assertThat(Timer.decode(timer.key(), timer.value())).isEqualTo(timer);
        }
    }

    @Test
    void theEncodingIsTheOneEarlierReleasesWroteSoChangelogTimersStillFire() {
        assertThat(Timer.deadline(1_795_435_260_000L, "t1").key()).isEqualTo("1795435260000|D|t1");
        assertThat(Timer.attempt(7, "t1", "thesis", 2).key()).isEqualTo("0000000000007|A|t1|thesis");
        assertThat(Timer.attempt(7, "t1", "thesis", 2).value()).isEqualTo("2:thesis");
        assertThat(Timer.decode("0000000000009|P|t9", "t9")).isEqualTo(Timer.purge(9, "t9"));
    }

    @Test
    void keysSortByTimeAndRangesCoverWholeMilliseconds() {
        assertThat(Timer.purge(9, "a").key()).isLessThan(Timer.deadline(10, "a").key());
        assertThat(Timer.firstKeyAt(10)).isLessThan(Timer.attempt(10, "a", "s", 1).key());
        assertThat(Timer.lastKeyAt(10)).isGreaterThan(Timer.purge(10, "zzz").key())
                .isLessThan(Timer.firstKeyAt(11));
        assertThatThrownBy(() -> new Timer(1, Timer.Kind.DEADLINE, "t", "s", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
