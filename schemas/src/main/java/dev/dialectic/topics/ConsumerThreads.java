package dev.dialectic.topics;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;

/** The one way the project's background readers (a thread polling a consumer until told to stop) are stopped. */
public final class ConsumerThreads {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private ConsumerThreads() {}

    /**
     * Wakes {@code consumer} out of its poll and waits up to 10 s for {@code thread} to end; the caller has already
     * told its loop to stop. An interrupt while waiting is kept for the caller.
     */
    public static void stop(Consumer<?, ?> consumer, Thread thread) {
        consumer.wakeup();
        try {
            thread.join(JOIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
