package dev.dialectic.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one share consumer: fetches a batch of requests when the worker has room for it, starts a call per
 * request, acknowledges each request as soon as its call finished (a slow call never holds back finished
 * ones), renews the acquisition locks of calls that outlive half of the lock, and on shutdown finishes or
 * releases what it holds.
 *
 * <p>Why batches: in explicit acknowledgement mode a share consumer only polls again once every record of
 * its previous poll is acknowledged (a renewal counts). So one consumer holds about one batch at a time, and a
 * worker runs several consumers to keep many calls in flight, and when none of them waits for requests while the
 * worker has room, one renews its locks early to fetch more (see {@link Fetchers}).
 * The consumer is not thread-safe: only this loop's thread touches it; calls report back through a queue.
 */
final class ShareConsumerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ShareConsumerLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration MAX_WAIT = Duration.ofMillis(200);
    private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);
    private static final Duration RENEW_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /** How often one consumer may scout, and how long its poll waits for requests. */
    private static final Duration SCOUT_EVERY = Duration.ofMillis(250);
    private static final Duration SCOUT_WAIT = Duration.ofMillis(50);

    private final ShareConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Semaphore capacity;
    /** Room for requests that lock renewals fetch while the worker is full (see {@link #renew}). */
    private final Semaphore overdraft;
    private final Fetchers fetchers;
    private final int batchSize;
    private final BiFunction<ConsumerRecord<byte[], byte[]>, Consumer<AcknowledgeType>, Future<?>> starter;
    private final Duration shutdownGrace;
    private final String name;

    /** Requests of the current batch whose calls still run, by (partition, offset). */
    private final Map<RecordKey, InFlight> running = new LinkedHashMap<>();
    /** Calls that finished while their record was not acknowledgeable (lock lost, renewal not yet back). */
    private final Map<RecordKey, AcknowledgeType> finishedUnacknowledged = new HashMap<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    private volatile boolean stopping;
    private long stopRequestedAt;
    /** Whether this loop counts as idle in {@link #fetchers}. */
    private boolean idle;

    ShareConsumerLoop(ShareConsumer<byte[], byte[]> consumer, String topic, Semaphore capacity, Semaphore overdraft,
            Fetchers fetchers, int batchSize,
            BiFunction<ConsumerRecord<byte[], byte[]>, Consumer<AcknowledgeType>, Future<?>> starter,
            Duration shutdownGrace, String name) {
        this.consumer = consumer;
        this.topic = topic;
        this.capacity = capacity;
        this.overdraft = overdraft;
        this.fetchers = fetchers;
        this.batchSize = batchSize;
        this.starter = starter;
        this.shutdownGrace = shutdownGrace;
        this.name = name;
    }

    /** Asks the loop to stop fetching, let running calls finish within the grace period, then release the rest. */
    void stop() {
        if (!stopping) {
            stopRequestedAt = System.nanoTime();
            stopping = true; // seen within one poll timeout; no wakeup(), which would abort the graceful part
        }
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic));
            consumer.setAcknowledgementCommitCallback((offsets, error) -> {
                if (error != null) {
                    log.warn("{}: acknowledgements {} failed: {}", name, offsets, error.toString());
                }
            });
            long lastRenewal = System.nanoTime();
            while (true) {
                if (running.isEmpty()) {
                    if (stopping) {
                        break;
                    }
                    fetch();
                    lastRenewal = System.nanoTime();
                    continue;
                }
                long renewEvery = lockDuration().toNanos() / 2;
                long untilRenewal = lastRenewal + renewEvery - System.nanoTime();
                awaitOutcomes(Math.min(Math.max(0, untilRenewal), MAX_WAIT.toNanos()));
                if (!running.isEmpty() && System.nanoTime() - lastRenewal >= renewEvery) {
                    renew(Duration.ZERO);
                    lastRenewal = System.nanoTime();
                } else if (!running.isEmpty() && System.nanoTime() - lastRenewal >= SCOUT_EVERY.toNanos()
                        && !stopping && capacity.availablePermits() > 0 && fetchers.tryScout()) {
                    try {
                        renew(SCOUT_WAIT);
                    } finally {
                        fetchers.scouted();
                    }
                    lastRenewal = System.nanoTime();
                }
                if (stopping) {
                    long stoppingFor = System.nanoTime() - stopRequestedAt;
                    if (stoppingFor > shutdownGrace.toNanos() + CANCEL_GRACE.toNanos()) {
                        break; // calls that ignore cancellation: closing the consumer releases their requests
                    }
                    if (stoppingFor > shutdownGrace.toNanos()) {
                        running.values().forEach(call -> call.future().cancel(true)); // their outcome is RELEASE
                    }
                }
            }
            consumer.commitSync();
        } catch (RuntimeException e) {
            log.error("{}: share consumer loop failed; its unacknowledged requests return to the group when their"
                    + " locks expire", name, e);
        } finally {
            idle(false);
            running.values().forEach(call -> call.future().cancel(true));
            running.values().forEach(call -> call.room().release());
            running.clear();
            consumer.close(Duration.ofSeconds(10));
        }
    }

    /** Polls once, if the worker has room for a whole batch (back-pressure: no room, no fetch). */
    private void fetch() {
        try {
            if (!capacity.tryAcquire(batchSize, MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                idle(false);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return;
        }
        int admitted = 0;
        try {
            idle(true);
            ConsumerRecords<byte[], byte[]> records = consumer.poll(IDLE_POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (!settleIfFinished(record)) {
                    admit(record, capacity);
                    admitted++;
                }
            }
        } finally {
            idle(running.isEmpty());
            capacity.release(batchSize - admitted);
        }
    }

    private void idle(boolean now) {
        if (idle != now) {
            idle = now;
            fetchers.idle(now);
        }
    }

    /** Starts the call of {@code record}, which took a permit of {@code room}; it gives it back when it ends. */
    private void admit(ConsumerRecord<byte[], byte[]> record, Semaphore room) {
        RecordKey key = RecordKey.of(record);
        Future<?> future = starter.apply(record, type -> outcomes.add(new Outcome(key, type)));
        running.put(key, new InFlight(record, future, true, room));
    }

    /** A record whose call already finished while its lock was being renewed: acknowledge it, do not re-run it. */
    private boolean settleIfFinished(ConsumerRecord<byte[], byte[]> record) {
        AcknowledgeType type = finishedUnacknowledged.remove(RecordKey.of(record));
        if (type == null) {
            return false;
        }
        consumer.acknowledge(record, type);
        return true;
    }

    private void awaitOutcomes(long waitNanos) {
        boolean acknowledged = false;
        try {
            Outcome outcome = outcomes.poll(waitNanos, TimeUnit.NANOSECONDS);
            while (outcome != null) {
                acknowledged |= settle(outcome);
                outcome = outcomes.poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
        if (acknowledged) {
            consumer.commitAsync(); // finished requests leave now, not with the next fetch
        }
    }

    private boolean settle(Outcome outcome) {
        InFlight call = running.remove(outcome.key());
        if (call == null) {
            return false;
        }
        call.room().release();
        if (call.lockHeld()) {
            consumer.acknowledge(call.record(), outcome.type());
            return true;
        }
        finishedUnacknowledged.put(outcome.key(), outcome.type());
        return false;
    }

    /**
     * Renews the locks of running calls. A renewed record comes back from the next poll (with new records, if
     * there are any, which that poll waits up to {@code wait} for); records that do not come back lost their lock
     * (their results are still published; the orchestrator drops the duplicate if another worker answers too).
     */
    private void renew(Duration wait) {
        List<RecordKey> renewing = new ArrayList<>();
        running.forEach((key, call) -> {
            if (call.lockHeld()) {
                consumer.acknowledge(call.record(), AcknowledgeType.RENEW);
                renewing.add(key);
            }
        });
        if (renewing.isEmpty()) {
            return;
        }
        consumer.commitSync(RENEW_TIMEOUT);
        Set<RecordKey> back = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            RecordKey key = RecordKey.of(record);
            InFlight call = running.get(key);
            if (call != null) {
                running.put(key, call.reattached(record));
                back.add(key);
            } else if (!settleIfFinished(record)) {
                // A renewal counts as acknowledging the batch, so this poll also fetches new records
                // (KAFKA-20458). Giving them back spends one of their delivery attempts on every renewal, and
                // while a crashed worker's backlog kept every worker full, the group archived them unanswered
                // after their last delivery. So they run here, in the overdraft if the worker is full: up to
                // max.in.flight more calls, which the model guard still queues for the model. Past that (or
                // when stopping) they go back, and the orchestrator asks again for any that are archived.
                if (!stopping && capacity.tryAcquire()) {
                    admit(record, capacity);
                } else if (!stopping && overdraft.tryAcquire()) {
                    admit(record, overdraft);
                } else {
                    consumer.acknowledge(record, AcknowledgeType.RELEASE);
                }
            }
        }
        for (RecordKey key : renewing) {
            if (!back.contains(key)) {
                log.warn("{}: lock of {} was not renewed; its call goes on, and its request may be served twice", name, key);
                running.computeIfPresent(key, (k, call) -> call.detached());
            }
        }
    }

    private Duration lockDuration() {
        return consumer.acquisitionLockTimeoutMs().map(ms -> Duration.ofMillis(ms)).orElse(DEFAULT_LOCK);
    }

    /** Where a record lives; share groups acknowledge by it. */
    record RecordKey(int partition, long offset) {
        static RecordKey of(ConsumerRecord<?, ?> record) {
            return new RecordKey(record.partition(), record.offset());
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** A running call; {@code room} is the semaphore whose permit it holds. */
    private record InFlight(ConsumerRecord<byte[], byte[]> record, Future<?> future, boolean lockHeld,
            Semaphore room) {
        InFlight reattached(ConsumerRecord<byte[], byte[]> renewed) {
            return new InFlight(renewed, future, true, room);
        }

        InFlight detached() {
            return new InFlight(record, future, false, room);
        }
    }

    private record Outcome(RecordKey key, AcknowledgeType type) {}
}
