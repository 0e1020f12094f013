package dev.dialectic.orchestrator;

import dev.dialectic.cache.CacheStore;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * What one event does to one task, as {@link TaskLifecycle} decides it: the records to emit and the storage to
 * change. The processor carries it out; a transition never needs anything but its own fields to be applied.
 *
 * @param state the task's state to store (its ledger is then emitted too); null when nothing is stored
 * @param requests persona requests to emit
 * @param result the task's single result, when the task ended
 * @param scheduled timers to add
 * @param cancelled timers to remove
 * @param rejection why the input goes to the dlq; null when it does not
 * @param forget the id of the task whose state is deleted (its retention passed); null when none is
 * @param cacheWrites answers to keep in the response cache
 */
record Transition(
        TaskState state,
        List<PersonaRequest> requests,
        SynthesisResult result,
        List<Timer> scheduled,
        List<Timer> cancelled,
        String rejection,
        String forget,
        List<CacheStore.Write> cacheWrites) {

    private static final Transition IGNORED =
            new Transition(null, List.of(), null, List.of(), List.of(), null, null, List.of());

    Transition {
        requests = List.copyOf(requests);
        cacheWrites = List.copyOf(cacheWrites);
        scheduled = List.copyOf(scheduled);
        cancelled = List.copyOf(cancelled);
    }

    /** Nothing happens: a duplicate, a late answer, a timer that no longer applies. */
    static Transition ignored() {
        return IGNORED;
    }

    /** The input goes to the dlq with {@code reason}; nothing else happens. */
    static Transition rejected(String reason) {
        return new Transition(null, List.of(), null, List.of(), List.of(), reason, null, List.of());
    }

    /** The finished task {@code taskId}'s state is deleted. */
    static Transition forgotten(String taskId) {
        return new Transition(null, List.of(), null, List.of(), List.of(), null, taskId, List.of());
    }

    /** Collects the effects of a transition as the lifecycle decides them. */
    static final class Effects {

        private final List<PersonaRequest> requests = new ArrayList<>();
        private final List<Timer> scheduled = new ArrayList<>();
        private final List<Timer> cancelled = new ArrayList<>();
        private final List<CacheStore.Write> cacheWrites = new ArrayList<>();
        private SynthesisResult result;

        void request(PersonaRequest request) {
            requests.add(request);
        }

        void result(SynthesisResult finalResult) {
            result = finalResult;
        }

        void schedule(Timer timer) {
            scheduled.add(timer);
        }

        void cancel(Timer timer) {
            cancelled.add(timer);
        }

        void cache(CacheStore.Write write) {
            cacheWrites.add(write);
        }

        /** The transition that stores {@code state}, counting it as one more transition in its ledger. */
        Transition saving(TaskState state) {
            state.getLedger().setTransitions(state.getLedger().getTransitions() + 1);
            return new Transition(state, requests, result, scheduled, cancelled, null, null, cacheWrites);
        }
    }
}
