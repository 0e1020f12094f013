package dev.dialectic.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.tasks.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link PipelineSpec} from YAML (Jackson's YAML module) and checks that it can work: every key known,
 * every persona, input and provider named exists, placeholders name inputs, the stages form an acyclic graph
 * with exactly one final stage. The first problem found stops the load with a one-line {@link SpecException}
 * naming the file, the line and column, and the path in the spec.
 */
public final class SpecLoader {

    /** Where the built-in dialectic spec lives on the class path. */
    public static final String DEFAULT_SPEC_RESOURCE = "/dev/dialectic/spec/dialectic.yaml";
    /** The stage name of the quality gate's judge calls in requests, results and the ledger. */
    public static final String GATE_STAGE = "gate";
    /** Stage names the orchestrator keeps for itself: the judge's calls, and the gate's feedback as an input. */
    public static final Set<String> RESERVED_STAGE_NAMES = Set.of(GATE_STAGE, PromptTemplate.FEEDBACK);

    private static final ObjectMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build();

    private SpecLoader() {}

    /** The built-in dialectic spec. */
    public static PipelineSpec defaultSpec() {
        try (InputStream in = SpecLoader.class.getResourceAsStream(DEFAULT_SPEC_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default spec " + DEFAULT_SPEC_RESOURCE + " is not on the class path");
            }
            return parse("dialectic.yaml (built in)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec in {@code file}. */
    public static PipelineSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file", e);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /**
     * The spec in {@code text}.
     *
     * @param source how errors name the text, usually its file
     */
    public static PipelineSpec parse(String source, String text) {
        Locations locations = Locations.of(source, text);
        PipelineSpec spec;
        try {
            spec = MAPPER.readValue(text, PipelineSpec.class);
        } catch (JsonMappingException e) {
            throw new SpecException(locations.at(e.getLocation()) + path(e.getPath()) + problem(e) + hint(e), e);
        } catch (JsonProcessingException e) {
            throw new SpecException(locations.at(e.getLocation()) + " " + e.getOriginalMessage(), e);
        }
        if (spec == null) {
            throw new SpecException(source + ": the file is empty", null);
        }
        new Checker(spec, locations).check();
        return spec;
    }

    /**
     * Checks {@code persona.<name>.<key>} settings given outside the spec (--set, a properties file) against
     * {@code spec}: the persona must be one of its personas and the setting valid.
     *
     * @throws SpecException naming the first bad setting
     */
    public static void checkOverrides(PipelineSpec spec, Map<String, ?> settings) {
        for (Map.Entry<String, ?> entry : settings.entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith(PersonaSettings.PREFIX)) {
                continue;
            }
            String rest = key.substring(PersonaSettings.PREFIX.length());
            String persona = spec.personas().keySet().stream().filter(p -> rest.startsWith(p + "."))
                    .findFirst().orElseThrow(() -> new SpecException(key + ": no persona of the spec is named by it"
                            + " (personas: " + String.join(", ", spec.personas().keySet()) + ")", null));
            String setting = rest.substring(persona.length() + 1);
            PersonaSettings.problem(setting, entry.getValue()).ifPresent(problem -> {
                throw new SpecException(key + ": " + problem, null);
            });
        }
    }

    /** {@code spec} as YAML, secrets redacted: what {@code --print-spec} shows. */
    public static String print(PipelineSpec spec) {
        try {
            return MAPPER.writeValueAsString(spec.redacted());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a spec could not be written as YAML", e);
        }
    }

    private static String problem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ": unknown key '" + unknown.getPropertyName() + "'";
        }
        String message = e.getOriginalMessage();
        int cut = message.indexOf(" at [Source");
        return ": " + (cut > 0 ? message.substring(0, cut) : message);
    }

    /** Canary variants and a stage's resonance variants are easily confused; say where each belongs. */
    private static String hint(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown && unknown.getPath().size() == 1
                && "variants".equals(unknown.getPropertyName())) {
            return " (release variants for canaries are declared under the top-level key 'releases'; 'variants' lists"
                    + " a stage's persona alternatives chosen by resonance)";
        }
        return "";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            }
        }
        return path.isEmpty() ? "" : " " + path;
    }

    /**
     * Line and column of every key and value, by JSON pointer, from one pass over the YAML tokens: Jackson's
     * data binding keeps no positions, and an error must name the place in the file.
     */
    private record Locations(String source, Map<String, JsonLocation> byPointer) {

        static Locations of(String source, String text) {
            Map<String, JsonLocation> found = new HashMap<>();
            try (JsonParser parser = new YAMLFactory().createParser(text)) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    String pointer = token.isStructEnd()
                            ? null : parser.getParsingContext().pathAsPointer().toString();
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        pointer = parser.getParsingContext().getParent() == null
                                ? "" : parser.getParsingContext().getParent().pathAsPointer().toString();
                    }
                    if (pointer != null) {
                        found.putIfAbsent(pointer, parser.currentTokenLocation());
                    }
                }
            } catch (IOException e) {
                // Malformed YAML: data binding meets the same error and reports it with its position.
            }
            return new Locations(source, found);
        }

        String at(JsonLocation location) {
            return location == null || location.getLineNr() < 1
                    ? source + ":" : source + ":" + location.getLineNr() + ":" + location.getColumnNr() + ":";
        }

        /** {@code file:line:col: path} for the place {@code path} (spec notation, e.g. {@code stages[1].inputs[0]}). */
        String at(String path) {
            return at("/" + path.replace("[", "/").replace("]", "").replace('.', '/'), path);
        }

        /** {@code file:line:col: shown} for the node at {@code pointer}, or its nearest ancestor that has a place. */
        String at(String pointer, String shown) {
            JsonLocation location = null;
            for (String p = pointer; location == null && !p.isEmpty(); p = p.substring(0, Math.max(0, p.lastIndexOf('/')))) {
                location = byPointer.get(p);
            }
            return at(location) + " " + shown;
        }
    }

    /** The semantic checks, in the order a reader would fix them. */
    private static final class Checker {

        private final PipelineSpec spec;
        private final Locations locations;
        /** Where in the file {@link #spec} comes from: empty for the spec, {@code releases.<name>.} for a release's. */
        private final String prefix;

        Checker(PipelineSpec spec, Locations locations) {
            this(spec, locations, "");
        }

        private Checker(PipelineSpec spec, Locations locations, String prefix) {
            this.spec = spec;
            this.locations = locations;
            this.prefix = prefix;
        }

        private SpecException fail(String path, String problem) {
            return new SpecException(locations.at(prefix + path) + ": " + problem, null);
        }

        /** A failure at a persona's setting, whose key contains dots and so is one segment of the place. */
        private SpecException failAtSetting(String persona, String key, String problem) {
            return new SpecException(locations.at("/" + prefix.replace('.', '/') + "personas/" + persona + "/" + key,
                    prefix + "personas." + persona + "." + key) + ": " + problem, null);
        }

        void check() {
            if (spec.personas().isEmpty()) {
                throw fail("personas", "missing key: at least one persona is needed");
            }
            spec.personas().forEach((name, settings) -> settings.forEach((key, value) ->
                    PersonaSettings.problem(key, value).ifPresent(problem -> {
                        throw failAtSetting(name, key, problem);
                    })));
            if (spec.stages().isEmpty()) {
                throw fail("stages", "missing key: at least one stage is needed");
            }
            Map<String, StageSpec> byName = new LinkedHashMap<>();
            for (int i = 0; i < spec.stages().size(); i++) {
                StageSpec stage = spec.stages().get(i);
                String at = "stages[" + i + "]";
                if (stage.name() == null || stage.name().isBlank()) {
                    throw fail(at, "missing key 'name'");
                }
                if (RESERVED_STAGE_NAMES.contains(stage.name())) {
                    throw fail(at + ".name", "'" + stage.name() + "' is reserved for the quality gate");
                }
                if (byName.putIfAbsent(stage.name(), stage) != null) {
                    throw fail(at + ".name", "stage '" + stage.name() + "' is defined twice");
                }
                if (stage.persona() == null || stage.persona().isBlank()) {
                    throw fail(at, "missing key 'persona'");
                }
                requirePersona(stage.persona(), at + ".persona");
                for (int v = 0; v < stage.variants().size(); v++) {
                    StageSpec.Variant variant = stage.variants().get(v);
                    String vat = at + ".variants[" + v + "]";
                    if (variant.persona() == null) {
                        throw fail(vat, "missing key 'persona'");
                    }
                    requirePersona(variant.persona(), vat + ".persona");
                    for (String dimension : variant.resonance().keySet()) {
                        if (!Policies.Routing.DIMENSIONS.contains(dimension)) {
                            throw fail(vat + ".resonance", "unknown dimension '" + dimension + "' (known: "
                                    + String.join(", ", Policies.Routing.DIMENSIONS) + ")");
                        }
                    }
                }
            }
            for (int i = 0; i < spec.stages().size(); i++) {
                StageSpec stage = spec.stages().get(i);
                for (int k = 0; k < stage.inputs().size(); k++) {
                    String input = stage.inputs().get(k);
                    if (!byName.containsKey(input)) {
                        throw fail("stages[" + i + "].inputs[" + k + "]", "unknown input '" + input + "' (stages: "
                                + String.join(", ", byName.keySet()) + ")");
                    }
                    if (stage.inputs().indexOf(input) != k) {
                        throw fail("stages[" + i + "].inputs[" + k + "]", "input '" + input + "' is named twice");
                    }
                }
            }
            checkAcyclic(byName);
            checkOneFinalStage(byName);
            checkPlaceholders();
            checkPolicies();
            checkReleases();
        }

        /**
         * Each release: a name that can be part of a topic name, a known mode, settings of the spec's personas only,
         * and, laid over the spec, policies and prompt placeholders that work.
         */
        private void checkReleases() {
            spec.releases().forEach((name, release) -> {
                if (!name.matches("[A-Za-z0-9_-]+")) {
                    throw fail("releases", "a release's name is letters, digits, '_' and '-' (it names topics), got '"
                            + name + "'");
                }
                String at = "releases." + name;
                if (name.equals(ControlSettings.BASELINE)) {
                    throw fail(at, "'baseline' is the spec itself; give the release another name");
                }
                if (release.mode() != null && Mode.parse(release.mode()).isEmpty()) {
                    throw fail(at + ".mode", "unknown mode '" + release.mode()
                            + "' (expected parallel, sequential or adaptive)");
                }
                Checker own = new Checker(spec, locations, at + ".");
                release.personas().forEach((persona, settings) -> {
                    if (!spec.personas().containsKey(persona)) {
                        throw own.fail("personas", "unknown persona '" + persona + "' (a release changes the spec's"
                                + " personas: " + String.join(", ", spec.personas().keySet()) + ")");
                    }
                    settings.forEach((key, value) -> PersonaSettings.problem(key, value).ifPresent(problem -> {
                        throw own.failAtSetting(persona, key, problem);
                    }));
                });
                PipelineSpec overlaid;
                try {
                    overlaid = spec.forRelease(name);
                } catch (IllegalArgumentException e) {
                    throw fail(at + ".policies", e.getMessage());
                }
                Checker effective = new Checker(overlaid, locations, at + ".");
                effective.checkPlaceholders();
                effective.checkPolicies();
            });
        }

        private void requirePersona(String persona, String path) {
            if (!spec.personas().containsKey(persona)) {
                throw fail(path, "unknown persona '" + persona + "' (personas: "
                        + String.join(", ", spec.personas().keySet()) + ")");
            }
        }

        private void checkAcyclic(Map<String, StageSpec> byName) {
            Set<String> done = new HashSet<>();
            for (String start : byName.keySet()) {
                Deque<String> path = new ArrayDeque<>();
                visit(start, byName, done, path, new HashSet<>());
            }
        }

        private void visit(String stage, Map<String, StageSpec> byName, Set<String> done, Deque<String> path,
                Set<String> onPath) {
            if (done.contains(stage)) {
                return;
            }
            path.addLast(stage);
            if (!onPath.add(stage)) {
                List<String> cycle = new ArrayList<>(path);
                cycle = cycle.subList(cycle.indexOf(stage), cycle.size());
                throw fail("stages[" + indexOf(stage) + "].inputs", "the stages form a cycle: "
                        + String.join(" <- ", cycle));
            }
            for (String input : byName.get(stage).inputs()) {
                visit(input, byName, done, path, onPath);
            }
            onPath.remove(stage);
            path.removeLast();
            done.add(stage);
        }

        private void checkOneFinalStage(Map<String, StageSpec> byName) {
            Set<String> finals = new LinkedHashSet<>(byName.keySet());
            spec.stages().forEach(stage -> stage.inputs().forEach(finals::remove));
            if (finals.size() != 1) {
                String last = finals.isEmpty() ? spec.stages().getLast().name() : List.copyOf(finals).get(1);
                throw fail("stages[" + indexOf(last) + "]", finals.isEmpty() ? "no final stage"
                        : finals.size() + " final stages (" + String.join(", ", finals)
                        + "): exactly one stage may be left out of every other stage's inputs");
            }
        }

        private void checkPlaceholders() {
            for (int i = 0; i < spec.stages().size(); i++) {
                StageSpec stage = spec.stages().get(i);
                Set<String> personas = new LinkedHashSet<>();
                personas.add(stage.persona());
                stage.variants().forEach(v -> personas.add(v.persona()));
                for (String persona : personas) {
                    String template = spec.persona(persona).get(PersonaSettings.PROMPT);
                    if (template == null) {
                        continue;
                    }
                    for (String placeholder : PromptTemplate.placeholders(template)) {
                        if (!PromptTemplate.fillable(placeholder, Set.copyOf(stage.inputs()))) {
                            throw failAtSetting(persona, PersonaSettings.PROMPT, "placeholder {" + placeholder + "} names no input"
                                    + " of stage '" + stage.name() + "' (its inputs: "
                                    + (stage.inputs().isEmpty() ? "none" : String.join(", ", stage.inputs())) + ")");
                        }
                    }
                }
            }
        }

        private void checkPolicies() {
            Policies policies = spec.policies();
            if (!(policies.adaptive().threshold() > 0)) {
                throw fail("policies.adaptive.threshold", "must be positive, got " + policies.adaptive().threshold());
            }
            Policies.Gate gate = policies.gate();
            if (gate.minChars() < 0 || gate.maxChars() < Math.max(1, gate.minChars())) {
                throw fail("policies.gate", "need 0 <= min.chars <= max.chars and max.chars >= 1, got "
                        + gate.minChars() + " and " + gate.maxChars());
            }
            if (gate.maxPasses() < 0) {
                throw fail("policies.gate.max.passes", "must be 0 or more, got " + gate.maxPasses());
            }
            if (gate.judge() != null) {
                requirePersona(gate.judge(), "policies.gate.judge");
            }
            policies.routing().synonyms().keySet().forEach(dimension -> {
                if (!Policies.Routing.DIMENSIONS.contains(dimension)) {
                    throw fail("policies.routing.synonyms", "unknown dimension '" + dimension + "' (known: "
                            + String.join(", ", Policies.Routing.DIMENSIONS) + ")");
                }
            });
        }

        private int indexOf(String stage) {
            for (int i = 0; i < spec.stages().size(); i++) {
                if (spec.stages().get(i).name().equals(stage)) {
                    return i;
                }
            }
            return 0;
        }
    }
}
