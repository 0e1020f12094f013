package dev.dialectic.bench;

import dev.dialectic.tasks.Mode;

/**
 * How adaptive mode did next to the fixed modes in one run: the latency of the tasks that asked for adaptive mode,
 * the share of them it ran in parallel, and the latency the fixed-mode tasks of the same run give for that share.
 * Adaptive mode only chooses a pipeline, so a ratio near 1 says the choice itself costs nothing.
 *
 * @param adaptive end-to-end latency of the tasks that asked for adaptive mode
 * @param parallelShare the share of them it ran in parallel, 0 to 1 (NaN without any)
 * @param chosenParallel latency of those it ran in parallel
 * @param chosenSequential latency of those it ran sequentially
 * @param parallel latency of the tasks that asked for parallel mode
 * @param sequential latency of the tasks that asked for sequential mode
 */
record AdaptiveMix(Summary adaptive, double parallelShare, Summary chosenParallel, Summary chosenSequential,
        Summary parallel, Summary sequential) {

    /** The mix of {@code timelines}, grouped by the mode each task asked for and the mode it ran in. */
    static AdaptiveMix of(Timelines timelines) {
        Timelines adaptive = timelines.only(t -> t.requested() == Mode.ADAPTIVE);
        int inParallel = adaptive.only(t -> t.mode() == Mode.PARALLEL).timelines().size();
        int count = adaptive.timelines().size();
        return new AdaptiveMix(adaptive.summary(Timeline::endToEndMs),
                count == 0 ? Double.NaN : (double) inParallel / count,
                adaptive.only(t -> t.mode() == Mode.PARALLEL).summary(Timeline::endToEndMs),
                adaptive.only(t -> t.mode() == Mode.SEQUENTIAL).summary(Timeline::endToEndMs),
                timelines.only(t -> t.requested() == Mode.PARALLEL).summary(Timeline::endToEndMs),
                timelines.only(t -> t.requested() == Mode.SEQUENTIAL).summary(Timeline::endToEndMs));
    }

    /** The fixed modes' mean latencies weighted by adaptive mode's choices: share × parallel + rest × sequential. */
    double fixedModesMeanMs() {
        return parallelShare * parallel.mean() + (1 - parallelShare) * sequential.mean();
    }

    /** Adaptive mode's mean latency over {@link #fixedModesMeanMs()}. */
    double versusFixedModes() {
        return adaptive.mean() / fixedModesMeanMs();
    }
}
