package dev.dialectic.bench;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.tasks.Mode;

/**
 * What falling back from parallel to the sequential chain cost in one run: the latency of the tasks that fell back
 * and then succeeded against that of the tasks that ran in parallel throughout. Tasks whose stage failed again
 * after falling back ended partial; they are counted, not timed.
 *
 * <p>The ideal cost is the critical path a task gains by falling back: its stages' own durations as the chain
 * runs them (the re-run stage after its predecessor) minus the same durations run in parallel; for the dialectic
 * pipeline, the shorter of thesis and antithesis. The failed attempt is not on that path; when it fails after its
 * predecessor answered, the re-run waits for it ({@link #rerunWait()}).
 *
 * @param fellBack tasks that fell back, succeeded or not
 * @param failedAgain those of them whose re-run failed too (not timed)
 * @param fallback end-to-end latency of the tasks that fell back and succeeded
 * @param noFallback end-to-end latency of the tasks that ran in parallel throughout
 * @param idealCostMs mean over the tasks that fell back and succeeded of their chain's critical path minus the
 *     parallel one of the same stage durations (NaN without any)
 * @param rerunWait how long re-runs waited for the failed attempt once their predecessor had answered
 */
record FallbackCost(int fellBack, int failedAgain, Summary fallback, Summary noFallback, double idealCostMs,
        Summary rerunWait) {

    /** The cost in {@code timelines}: tasks that fell back against those that ran in parallel throughout. */
    static FallbackCost of(Timelines timelines) {
        Timelines fellBack = timelines.only(Timeline::fellBack);
        Pipeline asParallel = Pipeline.dialectic(Mode.PARALLEL);
        return new FallbackCost(fellBack.timelines().size() + timelines.failedAfterFallback(),
                timelines.failedAfterFallback(), fellBack.summary(Timeline::endToEndMs),
                timelines.only(t -> t.mode() == Mode.PARALLEL).summary(Timeline::endToEndMs),
                fellBack.summary(t -> t.idealMs() - Timeline.criticalPath(asParallel, t.durationMs())).mean(),
                fellBack.summary(Timeline::rerunWaitMs));
    }

    /** Mean latency of the tasks that fell back minus that of those that did not. */
    double costMs() {
        return fallback.mean() - noFallback.mean();
    }

    /** The same for the medians. */
    double costP50Ms() {
        return fallback.p50() - noFallback.p50();
    }
}
