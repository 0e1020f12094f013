package dev.dialectic.llm.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.Prompt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {

    private static final Prompt PROMPT = new Prompt("sim", List.of(Prompt.Message.user("Goal: ship it")), 100, 0.7);

    @Test
    void samePromptSameTextStreamedTokenByToken() throws Exception {
        SimulatedProvider provider = new SimulatedProvider("thesis", SimulatedProfile.reference("thesis", 0.01));
        List<String> tokens = new ArrayList<>();
        Completion first = provider.complete(PROMPT, tokens::add);
        Completion second = provider.complete(PROMPT, t -> {});

        assertThat(first.text()).startsWith("Thesis:").isEqualTo(second.text()).isEqualTo(String.join("", tokens));
        assertThat(first.outputTokens()).isEqualTo(tokens.size()).isEqualTo(SimulatedProfile.reference("thesis", 1)
                .outputTokens());
        assertThat(first.firstTokenAt()).isPresent();
        Completion other = provider.complete(new Prompt("sim", List.of(Prompt.Message.user("Goal: stop it")), 100, 0.7),
                t -> {});
        assertThat(other.text()).isNotEqualTo(first.text());
    }

    @Test
    void referenceTimingsScaleWithTheSpeedFactor() {
        assertThat(SimulatedProfile.reference("thesis", 1).latency()).isEqualTo(Duration.ofMillis(4500));
        assertThat(SimulatedProfile.reference("antithesis", 1).latency()).isEqualTo(Duration.ofMillis(10_800));
        assertThat(SimulatedProfile.reference("synthesis", 0.5).latency()).isEqualTo(Duration.ofMillis(7_100));
        assertThat(SimulatedProfile.reference("synthesis", 0.5).timeToFirstToken()).isEqualTo(Duration.ofMillis(710));
        assertThat(SimulatedProfile.reference("thesis", 1).tokensPerSecond()).isCloseTo(20, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void theCallTakesAboutItsLatencyAndItsFirstTokenComesAfterItsTtft() throws Exception {
        SimulatedProfile profile = SimulatedProfile.reference("thesis", 1).withLatency(Duration.ofMillis(300))
                .withTimeToFirstToken(Duration.ofMillis(100));
        long start = System.nanoTime();
        AtomicReference<Long> firstAt = new AtomicReference<>();
        new SimulatedProvider("thesis", profile).complete(PROMPT, t -> firstAt.compareAndSet(null, System.nanoTime()));
        assertThat(Duration.ofNanos(firstAt.get() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(99));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(299));
    }

    @Test
    void ratesOutsideZeroToOneAndNaNAreRefused() {
        SimulatedProfile profile = SimulatedProfile.reference("thesis", 0);
        for (double rate : new double[] {-0.1, 1.1, Double.NaN}) {
            assertThatThrownBy(() -> profile.withFaults(rate, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> profile.withFaults(0, rate)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> profile.withJitter(rate)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(profile.withFaults(1, 1).errorRate()).isEqualTo(1);
    }

    @Test
    void injectedErrorsAreRetryable() {
        SimulatedProvider failing = new SimulatedProvider("thesis",
                SimulatedProfile.reference("thesis", 0).withFaults(1.0, 0));
        assertThatThrownBy(() -> failing.complete(PROMPT, t -> {}))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void anInjectedHangEndsWhenTheCallIsCancelled() {
        SimulatedProvider hanging = new SimulatedProvider("thesis",
                SimulatedProfile.reference("thesis", 0).withFaults(0, 1.0));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                hanging.complete(PROMPT, t -> {});
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        CompletableFuture.runAsync(call::interrupt, CompletableFuture.delayedExecutor(200,
                java.util.concurrent.TimeUnit.MILLISECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> !call.isAlive());
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }
}
