package dev.dialectic.llm.openai;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lines of one response body, handed from the HTTP client's threads to the calling thread.
 *
 * <p>The caller takes lines with a deadline, so a server that sends headers and then nothing cannot hold it past its
 * timeouts, and an interrupt ends the wait at once; {@link #cancel()} then aborts the exchange. Only a window of
 * lines is requested ahead of the caller, so a server faster than the token sink cannot fill memory.
 */
final class BodyLines implements Flow.Subscriber<String> {

    /** What {@link #next(long)} found. */
    sealed interface Next {}

    /** A line of the body, without its terminator. */
    record Line(String text) implements Next {}

    /** The body ended normally. */
    record End() implements Next {}

    /** The body broke off, e.g. the connection was reset. */
    record Failure(Throwable cause) implements Next {}

    /** Nothing came before the deadline. */
    record Timeout() implements Next {}

    private static final int WINDOW = 64;

    private final BlockingQueue<Next> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;

    /** Lines that cancel their subscription as soon as they get it: for a response nobody will read. */
    static BodyLines discarding() {
        BodyLines lines = new BodyLines();
        lines.cancel();
        return lines;
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        if (!subscription.compareAndSet(null, newSubscription)) {
            newSubscription.cancel();
            return;
        }
        // Checked after publishing the subscription, so a concurrent cancel() sees one or the other.
        if (cancelled) {
            newSubscription.cancel();
        } else {
            newSubscription.request(WINDOW);
        }
    }

    @Override
    public void onNext(String line) {
        queue.add(new Line(line));
    }

    @Override
    public void onError(Throwable error) {
        queue.add(new Failure(error));
    }

    @Override
    public void onComplete() {
        queue.add(new End());
    }

    /**
     * Waits until the next line, the end of the body, or {@code deadline} (a {@link System#nanoTime()} value).
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    Next next(long deadline) throws InterruptedException {
        Next next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) {
            return new Timeout();
        }
        if (next instanceof Line) {
            subscription.get().request(1);
        }
        return next;
    }

    /** Stops the body: aborts the exchange unless it has already ended. Safe to call more than once. */
    void cancel() {
        cancelled = true;
        Flow.Subscription current = subscription.get();
        if (current != null) {
            current.cancel();
        }
    }
}
