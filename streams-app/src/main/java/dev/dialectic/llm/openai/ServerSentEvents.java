package dev.dialectic.llm.openai;

import java.util.Optional;

/**
 * Turns the lines of a {@code text/event-stream} body into the data of its events, following the WHATWG
 * server-sent-events parsing rules for what chat completions use: {@code data} fields (an event with several is
 * joined by newlines), an event dispatched at a blank line, comments and other fields ignored, an unfinished event
 * at the end of the stream dropped.
 *
 * <p>Written by hand on purpose: it is a few lines, the JDK has no SSE support, and no small maintained Java library
 * parses SSE from a line source without bringing its own HTTP stack (okhttp-sse, Spring, Jersey). Line splitting,
 * including {@code \r\n} and a line cut between two network reads, is left to the JDK's line subscriber.
 */
final class ServerSentEvents {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /**
     * Takes the next line, without its terminator.
     *
     * @return the data of the event this line completes, if it completes one
     */
    Optional<String> accept(String line) {
        if (line.isEmpty()) {
            if (!hasData) {
                return Optional.empty();
            }
            String event = data.toString();
            data.setLength(0);
            hasData = false;
            return Optional.of(event);
        }
        int colon = line.indexOf(':');
        // A comment line (": ping", a keep-alive) has the empty field name, ignored like every field but data.
        String field = colon < 0 ? line : line.substring(0, colon);
        if (field.equals("data")) {
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (hasData) {
                data.append('\n');
            }
            data.append(value.startsWith(" ") ? value.substring(1) : value);
            hasData = true;
        }
        return Optional.empty();
    }
}
