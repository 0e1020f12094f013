package dev.dialectic.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP API (see the {@code api.*} keys of {@code DialecticConfig}).
 *
 * @param host the address the server binds to
 * @param port the port: {@link #OFF} turns the API off, {@link #ANY_FREE_PORT} lets the system choose one
 * @param advertisedHost the host other instances reach this one at (Kafka Streams' {@code application.server})
 * @param keys the API keys and the tenant of each
 * @param maxBodyBytes the largest request body accepted; larger ones are answered 413
 * @param authReads whether reads need a key too (writes always do)
 * @param historyTasks how many recent tasks the live feed remembers for late clients and the task list
 * @param historyWindow how far back the live feed starts reading when the service starts
 */
public record ApiSettings(String host, int port, String advertisedHost, ApiKeys keys, long maxBodyBytes,
        boolean authReads, int historyTasks, Duration historyWindow) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The port value that turns the API off. */
    public static final int OFF = 0;
    /** The port value that binds a free port chosen by the system (tests, several services on one host). */
    public static final int ANY_FREE_PORT = -1;
    /** The default bind address: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default largest request body: 1 MiB, a batch of about a hundred goals of the longest length. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** The default number of recent tasks remembered by the live feed. */
    public static final int DEFAULT_HISTORY_TASKS = 1_000;
    /** The default window the live feed reads back at start. */
    public static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofMinutes(10);

    public ApiSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(historyWindow, "historyWindow");
        if (port < ANY_FREE_PORT || port > 65_535) {
            throw new IllegalArgumentException(
                    "port must be -1 (any free port), 0 (off) or a port number, got " + port);
        }
        if (maxBodyBytes < 1 || historyTasks < 1) {
            throw new IllegalArgumentException("body and history limits must be positive");
        }
    }

    /** Whether the API runs at all. */
    public boolean enabled() {
        return port != OFF;
    }
}
