package dev.dialectic.metrics;

import dev.dialectic.worker.PersonaWorker;
import dev.dialectic.worker.Workers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Gauges of the workers of this process, read from them when scraped: calls in flight and the state of each
 * model's circuit breaker, by persona. (Everything else about model calls is in the persona results; see
 * {@link PipelineMeters}.)
 */
public final class WorkerMeters {

    private WorkerMeters() {}

    /** Registers the gauges of every worker of {@code workers}. */
    public static void bind(Workers workers, MeterRegistry registry) {
        for (PersonaWorker worker : workers.workers()) {
            Gauge.builder("dialectic.calls.in.flight", worker, PersonaWorker::inFlight)
                    .description("Persona requests being served by this process now")
                    .tag("persona", worker.persona()).register(registry);
            for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                Gauge.builder("dialectic.circuit.state", worker,
                                w -> w.profile().guard().circuitState() == state ? 1 : 0)
                        .description("1 for the state the persona's model circuit breaker is in, 0 for the others")
                        .tag("persona", worker.persona()).tag("state", state.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
    }
}
