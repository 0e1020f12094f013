package dev.dialectic.producers.cli;

import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.text.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One result as a block of text: a header line, the goal, then the synthesis (or why there is none). */
final class ResultRenderer {

    /** Models write paragraphs as single lines; wrapped here so they read in a terminal. */
    private static final int WIDTH = 100;

    private ResultRenderer() {}

    static String render(SynthesisResult result) {
        StringBuilder out = new StringBuilder();
        out.append("task ").append(result.getTaskId()).append("  ").append(result.getStatus())
                .append("  mode ").append(result.getMode()).append("  variant ").append(result.getVariant())
                .append("  total ").append(Durations.format(Duration.between(result.getSubmittedAt(),
                        result.getFinishedAt()))).append('\n');
        if (!result.getGoal().isEmpty()) {
            out.append("goal: ").append(LedgerRenderer.oneLine(result.getGoal(), 200)).append('\n');
        }
        if (result.getReason() != null) {
            out.append("reason: ").append(LedgerRenderer.oneLine(result.getReason(), 500)).append('\n');
        }
        if (result.getText() != null) {
            out.append("synthesis:\n");
            result.getText().strip().lines().forEach(line -> wrap(line, WIDTH).forEach(
                    wrapped -> out.append(wrapped.isEmpty() ? "" : "  ").append(wrapped).append('\n')));
        } else if (!result.getOutputs().isEmpty()) {
            out.append("no synthesis; stages that answered: ")
                    .append(String.join(", ", result.getOutputs().keySet().stream().sorted().toList())).append('\n');
        }
        return out.toString();
    }

    /** Splits {@code line} at spaces into pieces of at most {@code width} characters (longer words stay whole). */
    static List<String> wrap(String line, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : line.strip().split(" +")) {
            if (!current.isEmpty() && current.length() + 1 + word.length() > width) {
                lines.add(current.toString());
                current.setLength(0);
            }
            current.append(current.isEmpty() ? "" : " ").append(word);
        }
        lines.add(current.toString());
        return lines;
    }
}
