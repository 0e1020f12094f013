package dev.dialectic.bench;

import java.util.ArrayList;
import java.util.List;

/** Collects one scenario's figures, each name prefixed with the scenario's. */
final class Figures {

    private final String scenario;
    private final List<Figure> figures = new ArrayList<>();

    Figures(String scenario) {
        this.scenario = scenario;
    }

    /** Adds {@code <scenario>.<name>}. */
    Figures add(String name, double value, String unit) {
        figures.add(new Figure(scenario + "." + name, value, unit));
        return this;
    }

    /** Adds the CPU and heap figures of {@code usage}: {@code cpu.app}, {@code cpu.<process>}, {@code peak_heap}. */
    Figures addUsage(ResourceMonitor.Usage usage) {
        add("cpu.app", usage.appCores(), "cores");
        usage.otherCores().forEach((process, cores) -> add("cpu." + process, cores, "cores"));
        add("peak_heap", usage.peakHeapMiB(), "MiB");
        return this;
    }

    List<Figure> list() {
        return List.copyOf(figures);
    }
}
