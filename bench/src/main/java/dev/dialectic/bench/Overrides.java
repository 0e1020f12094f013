package dev.dialectic.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Service settings given with {@code --set [scenario:]key=value}: without a scenario they apply to the
 * service of every scenario, with one only to that scenario's, and they win over the scenario's own defaults
 * (a scoped setting over an unscoped one). Keys are {@code DialecticConfig} keys, so {@code streams.*} and
 * {@code kafka.*} pass through to Kafka.
 *
 * @param global settings for every scenario, in the order given
 * @param scoped settings per scenario name, in the order given
 */
record Overrides(Map<String, String> global, Map<String, Map<String, String>> scoped) {

    Overrides {
        global = Map.copyOf(global);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        scoped.forEach((scenario, settings) -> copy.put(scenario, Map.copyOf(settings)));
        scoped = Map.copyOf(copy);
    }

    /**
     * Parses {@code --set} values.
     *
     * @param scenarios the scenario names a scope may name
     * @throws IllegalArgumentException for a value without {@code =}, an empty key or an unknown scenario
     */
    static Overrides parse(List<String> values, Set<String> scenarios) {
        Map<String, String> global = new LinkedHashMap<>();
        Map<String, Map<String, String>> scoped = new LinkedHashMap<>();
        for (String value : values) {
            int equals = value.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--set needs [scenario:]key=value, got '" + value + "'");
            }
            String key = value.substring(0, equals).strip();
            String setting = value.substring(equals + 1).strip();
            int colon = key.indexOf(':');
            if (colon < 0) {
                global.put(key, setting);
                continue;
            }
            String scenario = key.substring(0, colon).strip();
            String scopedKey = key.substring(colon + 1).strip();
            if (!scenarios.contains(scenario)) {
                throw new IllegalArgumentException("--set " + value + ": no scenario '" + scenario + "' (known: "
                        + String.join(", ", scenarios) + ")");
            }
            if (scopedKey.isEmpty()) {
                throw new IllegalArgumentException("--set needs [scenario:]key=value, got '" + value + "'");
            }
            scoped.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(scopedKey, setting);
        }
        return new Overrides(global, scoped);
    }

    /** {@code defaults}, then the global settings, then those scoped to {@code scenario}. */
    Map<String, String> apply(String scenario, Map<String, String> defaults) {
        Map<String, String> settings = new LinkedHashMap<>(defaults);
        settings.putAll(global);
        settings.putAll(scoped.getOrDefault(scenario, Map.of()));
        return settings;
    }
}
