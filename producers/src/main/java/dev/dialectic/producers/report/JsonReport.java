package dev.dialectic.producers.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The report as JSON, for programs: every figure of {@link GroupFigures} and {@link Comparison}, latencies in
 * seconds, rates as {@code {"count", "of", "rate"}} with the rate between 0 and 1; a figure that is not
 * defined (NaN: an empty sample, a rate of nothing) is {@code null}, a comparison that is not defined is absent.
 */
final class JsonReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    String render(Report report) {
        try {
            return JSON.writeValueAsString(tree(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report as a JSON tree; the HTML report embeds it too. */
    static ObjectNode tree(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("groupedBy", report.grouping().wireName());
        root.put("since", report.since().map(Object::toString).orElse(null));
        root.put("tasks", report.tasks());
        root.put("unfinished", report.unfinished());
        ArrayNode groups = root.putArray("groups");
        for (GroupFigures group : report.groups()) {
            ObjectNode node = groups.addObject();
            node.put("name", group.name());
            node.put("tasks", group.tasks());
            node.put("succeeded", group.succeeded());
            node.put("partial", group.partial());
            node.put("failed", group.failed());
            ObjectNode latency = node.putObject("latency");
            latency.set("total", latencies(group.total()));
            ObjectNode stages = latency.putObject("stages");
            group.stages().forEach((stage, latencies) -> stages.set(stage, latencies(latencies)));
            latency.set("timeToFirstToken", latencies(group.timeToFirstToken()));
            ObjectNode rates = node.putObject("rates");
            rates.set("success", rate(group.success()));
            rates.set("fallback", rate(group.fallback()));
            rates.set("gatePass", rate(group.gatePass()));
            rates.set("secondPass", rate(group.secondPass()));
            rates.set("cacheHit", rate(group.cacheHit()));
        }
        ArrayNode comparisons = root.putArray("comparisons");
        for (Comparison comparison : report.comparisons()) {
            ObjectNode node = comparisons.addObject();
            node.put("reference", comparison.reference().name());
            node.put("candidate", comparison.candidate().name());
            put(node, "total", comparison.total());
            ObjectNode stages = node.putObject("stages");
            comparison.stages().forEach((stage, difference) -> stages.set(stage, difference(difference)));
            put(node, "timeToFirstToken", comparison.timeToFirstToken());
            ObjectNode rates = node.putObject("rateChanges");
            GroupFigures from = comparison.reference();
            GroupFigures to = comparison.candidate();
            number(rates, "success", change(from.success(), to.success()));
            number(rates, "fallback", change(from.fallback(), to.fallback()));
            number(rates, "gatePass", change(from.gatePass(), to.gatePass()));
            number(rates, "secondPass", change(from.secondPass(), to.secondPass()));
            number(rates, "cacheHit", change(from.cacheHit(), to.cacheHit()));
        }
        return root;
    }

    private static ObjectNode latencies(Latencies latencies) {
        ObjectNode node = JSON.createObjectNode();
        node.put("count", latencies.count());
        number(node, "mean", latencies.mean());
        number(node, "sd", latencies.standardDeviation());
        number(node, "p50", latencies.p50());
        number(node, "p95", latencies.p95());
        number(node, "p99", latencies.p99());
        number(node, "min", latencies.min());
        number(node, "max", latencies.max());
        return node;
    }

    private static ObjectNode rate(Rate rate) {
        ObjectNode node = JSON.createObjectNode();
        node.put("count", rate.count());
        node.put("of", rate.of());
        number(node, "rate", rate.value());
        return node;
    }

    private static void put(ObjectNode node, String name, Optional<Difference> difference) {
        difference.ifPresent(d -> node.set(name, difference(d)));
    }

    private static ObjectNode difference(Difference difference) {
        ObjectNode node = JSON.createObjectNode();
        number(node, "referenceMean", difference.reference().mean());
        number(node, "candidateMean", difference.candidate().mean());
        number(node, "difference", difference.difference());
        number(node, "relativeChange", difference.relativeChange());
        number(node, "sdChange", difference.spreadChange());
        ArrayNode interval = node.putArray("ci95");
        interval.add(difference.lower());
        interval.add(difference.upper());
        number(node, "t", difference.t());
        number(node, "df", difference.degreesOfFreedom());
        number(node, "p", difference.p());
        return node;
    }

    private static double change(Rate from, Rate to) {
        return to.value() - from.value();
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}
