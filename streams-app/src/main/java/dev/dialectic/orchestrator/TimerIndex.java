package dev.dialectic.orchestrator;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The orchestrator's timers, ordered by time in a key-value store; see {@link Timer} for the encoding. */
final class TimerIndex {

    private final KeyValueStore<String, String> store;
    /**
     * Every timer due before this has been taken. Taken timers are deleted, and a scan from 0 would step over
     * all of their tombstones in the store each time.
     */
    private long takenUpTo;

    TimerIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    void schedule(Timer timer) {
        store.put(timer.key(), timer.value());
        takenUpTo = Math.min(takenUpTo, timer.at()); // a timer already due (a tiny timeout) is still taken
    }

    void cancel(Timer timer) {
        store.delete(timer.key());
    }

    /**
     * Removes and returns the timers due at {@code now} or earlier, oldest first, at most {@code max}; the rest
     * wait for the next call.
     */
    List<Timer> takeDue(long now, int max) {
        List<Timer> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(Timer.firstKeyAt(takenUpTo), Timer.lastKeyAt(now))) {
            while (it.hasNext() && due.size() < max) {
                var entry = it.next();
                due.add(Timer.decode(entry.key, entry.value));
            }
        }
        takenUpTo = due.size() < max ? now + 1 : due.getLast().at();
        due.forEach(this::cancel);
        return due;
    }
}
