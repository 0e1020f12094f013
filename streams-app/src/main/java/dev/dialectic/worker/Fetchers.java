package dev.dialectic.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the share consumers of one persona in one process tell each other so that a request never waits behind
 * running calls while the worker has room for it.
 *
 * <p>A share consumer in explicit acknowledgement mode polls again only once every request of its last poll is
 * acknowledged, so one whose calls all run cannot fetch. New requests still reach the worker as long as some
 * consumer with room is polling ("idle"). When none is, the requests would wait until a batch ended, or until a
 * lock renewal polled: with long model calls, up to a whole call. Then one consumer at a time "scouts": it renews
 * the locks of its running calls, which counts as acknowledging them, and polls for more.
 */
final class Fetchers {

    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicBoolean scouting = new AtomicBoolean();

    /** A consumer starts (true) or stops (false) waiting in a poll with room for a batch. */
    void idle(boolean starts) {
        idle.addAndGet(starts ? 1 : -1);
    }

    /** Whether some consumer is waiting for requests with room for them. */
    boolean anyIdle() {
        return idle.get() > 0;
    }

    /** Takes the scout's turn if no consumer waits for requests and no other one scouts; then call {@link #scouted}. */
    boolean tryScout() {
        return !anyIdle() && scouting.compareAndSet(false, true);
    }

    /** Ends the turn taken by {@link #tryScout}. */
    void scouted() {
        scouting.set(false);
    }
}
