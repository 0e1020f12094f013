package dev.dialectic.producers.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.producers.TaskSpec;
import dev.dialectic.tasks.TaskRules;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A batch of tasks in JSON Lines: one object per line,
 * {@code {"id": "...", "goal": "...", "context": "...", "mode": "...", "timeoutMs": 30000, "attributes": {...}}},
 * of which only {@code goal} is required. Blank lines are skipped.
 *
 * <p>Reading is all or nothing: the first malformed line, unknown field, task that breaks the
 * {@link TaskRules} or repeated id stops it with {@code line N: <reason>}, so a batch is never half sent.
 * Unknown fields are refused rather than ignored because a misspelt {@code "mdoe"} would otherwise run the
 * task in the wrong mode without a word.
 */
final class TaskFile {

    /** A task and the line it came from, for messages. */
    record Entry(int line, TaskSpec spec) {}

    private static final Set<String> FIELDS = Set.of("id", "goal", "context", "mode", "timeoutMs", "attributes");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TaskFile() {}

    /**
     * Reads the tasks of {@code file}, checked against {@code rules}.
     *
     * @throws BadInputException if the file cannot be read, holds no task, or a line is not acceptable
     */
    static List<Entry> read(Path file, TaskRules rules) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("cannot read " + file + ": no such file");
        } catch (MalformedInputException e) {
            throw new BadInputException("cannot read " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
        List<Entry> entries = parse(lines, rules);
        if (entries.isEmpty()) {
            throw new BadInputException(file + " holds no tasks");
        }
        return entries;
    }

    /**
     * Parses lines of JSON, numbered from 1, into tasks checked against {@code rules}.
     *
     * @throws BadInputException {@code line N: <reason>} for the first line that is not acceptable
     */
    static List<Entry> parse(List<String> lines, TaskRules rules) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            if (lines.get(i).isBlank()) {
                continue;
            }
            TaskSpec spec;
            try {
                spec = spec(lines.get(i));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("line " + line + ": " + e.getMessage());
            }
            Optional<String> violation = spec.violation(rules);
            if (violation.isPresent()) {
                throw new BadInputException("line " + line + ": " + violation.get());
            }
            Integer earlier = lineOfId.putIfAbsent(spec.id(), line);
            if (earlier != null) {
                throw new BadInputException("line " + line + ": id '" + spec.id() + "' repeats line " + earlier);
            }
            entries.add(new Entry(line, spec));
        }
        return List.copyOf(entries);
    }

    private static TaskSpec spec(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name
                        + "' (expected id, goal, context, mode, timeoutMs, attributes)");
            }
        }
        TaskSpec.Builder spec = TaskSpec.builder()
                .goal(text(node, "goal").orElseThrow(() -> new IllegalArgumentException("goal is missing")));
        text(node, "id").ifPresent(spec::id);
        text(node, "context").ifPresent(spec::context);
        text(node, "mode").ifPresent(spec::mode);
        JsonNode timeout = node.get("timeoutMs");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isIntegralNumber() || !timeout.canConvertToLong()) {
                throw new IllegalArgumentException("timeoutMs must be a whole number of milliseconds, got " + timeout);
            }
            spec.timeout(Duration.ofMillis(timeout.longValue()));
        }
        JsonNode attributes = node.get("attributes");
        if (attributes != null && !attributes.isNull()) {
            if (!attributes.isObject()) {
                throw new IllegalArgumentException("attributes must be an object of strings, got " + attributes);
            }
            attributes.properties().forEach(attribute -> {
                if (!attribute.getValue().isTextual()) {
                    throw new IllegalArgumentException("attributes." + attribute.getKey() + " must be a string, got "
                            + attribute.getValue());
                }
                spec.attribute(attribute.getKey(), attribute.getValue().textValue());
            });
        }
        return spec.build();
    }

    /** The string field {@code name}; empty when absent or null. */
    private static Optional<String> text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(name + " must be a string, got " + value);
        }
        return Optional.of(value.textValue());
    }
}
