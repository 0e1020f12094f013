package dev.dialectic.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain HTTP client of the service's API for tests: JSON requests and Server-Sent Event streams. */
final class HttpApi {

    /** One server-sent event. */
    record Event(String kind, JsonNode data) {}

    /** An event stream being read on a thread of its own into {@link #events()}. */
    static final class EventStream implements AutoCloseable {
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private volatile Thread reader;
        private volatile int status;

        List<Event> events() {
            return events;
        }

        int status() {
            return status;
        }

        List<String> kinds() {
            return events.stream().map(Event::kind).toList();
        }

        @Override
        public void close() {
            reader.interrupt();
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    HttpApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path, String key) {
        return send(request(path, key).GET().build());
    }

    HttpResponse<String> post(String path, String key, String body) {
        return send(request(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> put(String path, String key, String body) {
        return send(request(path, key).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** Opens {@code path} as an event stream and reads it until it ends or the stream is closed. */
    EventStream events(String path, String key) {
        EventStream stream = new EventStream();
        HttpRequest request = request(path, key).header("Accept", "text/event-stream").GET().build();
        stream.reader = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<java.util.stream.Stream<String>> response =
                        client.send(request, HttpResponse.BodyHandlers.ofLines());
                stream.status = response.statusCode();
                String kind = "message";
                StringBuilder data = new StringBuilder();
                for (String line : (Iterable<String>) response.body()::iterator) {
                    if (line.startsWith("event: ")) {
                        kind = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    } else if (line.isEmpty() && !data.isEmpty()) {
                        stream.events.add(new Event(kind, JSON.readTree(data.toString())));
                        kind = "message";
                        data.setLength(0);
                    }
                }
            } catch (IOException e) {
                // the stream ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return stream;
    }

    private HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
