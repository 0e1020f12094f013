package dev.dialectic.spec;

import dev.dialectic.cache.CacheSettings;
import dev.dialectic.llm.llamacpp.LlamaCppSettings;
import dev.dialectic.llm.openai.OpenAiSettings;
import dev.dialectic.worker.ModelGuard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting a persona may carry, as a {@link ConfigDef}: the keys a spec's {@code personas.<name>} map holds
 * and {@code --set persona.<name>.<key>=value} overrides. One definition serves three ends: checking a spec,
 * checking overrides, and {@code --list-settings}.
 *
 * <p>The defaults of provider settings belong to the providers ({@link OpenAiSettings}, {@link LlamaCppSettings});
 * keys without a default here take theirs.
 */
public final class PersonaSettings {

    /** Prefix of a persona's settings in the application's configuration: {@code persona.<name>.<key>}. */
    public static final String PREFIX = "persona.";

    public static final String PROVIDER = "provider";
    public static final String MODEL = OpenAiSettings.MODEL;
    public static final String SYSTEM_PROMPT = "system.prompt";
    public static final String PROMPT = "prompt";
    public static final String MAX_TOKENS = "max.tokens";
    public static final String TEMPERATURE = "temperature";
    public static final String REQUESTS_PER_MINUTE = "requests.per.minute";
    public static final String TOKENS_PER_MINUTE = "tokens.per.minute";
    public static final String MAX_CONCURRENCY = "max.concurrency";
    public static final String CIRCUIT_WINDOW = "circuit.window";
    public static final String CIRCUIT_FAILURE_RATE = "circuit.failure.rate";
    public static final String CIRCUIT_OPEN_MS = "circuit.open.ms";
    public static final String LIMITS_GROUP = "limits.group";
    public static final String CACHE_ENABLED = "cache.enabled";
    public static final String CACHE_TTL_MS = "cache.ttl.ms";
    public static final String CACHE_MAX_ENTRIES = "cache.max.entries";

    /** Providers a persona may name. */
    public static final List<String> PROVIDERS = List.of("simulated", "openai", "llamacpp");
    public static final int DEFAULT_MAX_TOKENS = 1024;
    public static final double DEFAULT_TEMPERATURE = 0.7;
    private static final ModelGuard.Limits NO_LIMITS = ModelGuard.Limits.none();

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(PROVIDER, Type.STRING, null, ConfigDef.LambdaValidator.with((name, value) -> {
                if (value != null && !PROVIDERS.contains(value)) {
                    throw new ConfigException(name, value, "unknown provider (known: " + String.join(", ", PROVIDERS) + ")");
                }
            }, () -> String.join(", ", PROVIDERS)), Importance.HIGH, "Provider of the persona: simulated, openai or llamacpp; default llm.provider.")
            .define(MODEL, Type.STRING, null, Importance.HIGH,
                    "Model name given to the provider (openai: required; llamacpp: default the file's name).")
            .define(SYSTEM_PROMPT, Type.STRING, null, Importance.MEDIUM,
                    "The persona's instructions (system message); default a generic one naming the persona.")
            .define(PROMPT, Type.STRING, null, Importance.MEDIUM,
                    "Template of the user message. Placeholders: {goal}, {context}, {inputs} (every input, titled),"
                            + " {input.<stage>} (one input's text), {feedback} (the quality gate's feedback on a second"
                            + " pass). Default: the goal, the context, then each input under its stage's name.")
            .define(MAX_TOKENS, Type.INT, DEFAULT_MAX_TOKENS, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Longest answer asked for, in tokens.")
            .define(TEMPERATURE, Type.DOUBLE, DEFAULT_TEMPERATURE, ConfigDef.Range.between(0, 2), Importance.LOW,
                    "Sampling temperature.")
            .define(OpenAiSettings.BASE_URL, Type.STRING, OpenAiSettings.DEFAULT_BASE_URL, Importance.HIGH,
                    "openai: the API root, e.g. http://localhost:11434/v1 for Ollama.")
            .define(OpenAiSettings.API_KEY_ENV, Type.STRING, OpenAiSettings.DEFAULT_API_KEY_ENV, Importance.MEDIUM,
                    "openai: environment variable holding the API key.")
            .define(OpenAiSettings.API_KEY, Type.PASSWORD, null, Importance.LOW,
                    "openai: the key itself (prefer api.key.env); never printed.")
            .define(OpenAiSettings.CONNECT_TIMEOUT_MS, Type.LONG,
                    OpenAiSettings.DEFAULT_CONNECT_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1), Importance.LOW,
                    "openai: longest wait for a connection.")
            .define(OpenAiSettings.FIRST_TOKEN_TIMEOUT_MS, Type.LONG,
                    OpenAiSettings.DEFAULT_FIRST_TOKEN_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1), Importance.LOW,
                    "openai: longest wait from the start of a call to its first token.")
            .define(OpenAiSettings.TOTAL_TIMEOUT_MS, Type.LONG, OpenAiSettings.DEFAULT_TOTAL_TIMEOUT.toMillis(),
                    ConfigDef.Range.atLeast(1), Importance.LOW, "openai: longest a whole call may take.")
            .define(OpenAiSettings.INCLUDE_USAGE, Type.BOOLEAN, true, Importance.LOW,
                    "openai: ask the server for token counts (turn off for servers that reject stream_options).")
            .define(LlamaCppSettings.MODEL_PATH, Type.STRING, null, Importance.HIGH,
                    "llamacpp: the GGUF model file (required).")
            .define(LlamaCppSettings.CONTEXT_SIZE, Type.INT, LlamaCppSettings.DEFAULT_CONTEXT_SIZE,
                    ConfigDef.Range.atLeast(2), Importance.MEDIUM, "llamacpp: tokens of context, shared by the slots.")
            .define(LlamaCppSettings.PARALLEL, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "llamacpp: calls decoded at once, one slot each.")
            .define(LlamaCppSettings.THREADS, Type.INT, null, Importance.LOW,
                    "llamacpp: CPU threads; default llama.cpp's choice, one per core.")
            .define(LlamaCppSettings.GPU_LAYERS, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "llamacpp: layers offloaded to a GPU (needs a GPU build of the native library).")
            .define(LlamaCppSettings.SEED, Type.INT, null, Importance.LOW, "llamacpp: sampling seed; default random.")
            .define(LlamaCppSettings.CHAT_TEMPLATE, Type.STRING, null, Importance.LOW,
                    "llamacpp: a Jinja chat template replacing the model's.")
            .define(REQUESTS_PER_MINUTE, Type.INT, null, Importance.MEDIUM,
                    "Rate limit of the persona's model, shared by every call of a worker process; default none.")
            .define(TOKENS_PER_MINUTE, Type.INT, null, Importance.MEDIUM, "Token rate limit of the model; default none.")
            .define(MAX_CONCURRENCY, Type.INT, null, Importance.MEDIUM,
                    "Calls at once to the model from one worker process; default none.")
            .define(CIRCUIT_WINDOW, Type.INT, NO_LIMITS.circuitWindow(), ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Calls the model's circuit breaker judges by.")
            .define(CIRCUIT_FAILURE_RATE, Type.DOUBLE, (double) NO_LIMITS.circuitFailureRatePercent(),
                    ConfigDef.Range.between(0.01, 100), Importance.LOW, "Failure percentage that opens the circuit.")
            .define(CIRCUIT_OPEN_MS, Type.LONG, NO_LIMITS.circuitOpenFor().toMillis(), ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long the circuit stays open before a probe.")
            .define(LIMITS_GROUP, Type.STRING, null, Importance.LOW,
                    "Personas of one group share one set of limits; default provider:model.")
            .define(CACHE_ENABLED, Type.BOOLEAN, CacheSettings.DEFAULT_ENABLED, Importance.MEDIUM,
                    "Whether the persona's answers are served from and kept in the shared response cache (a task"
                            + " with the attribute cache=off bypasses it; cache.enabled=false turns it off for all).")
            .define(CACHE_TTL_MS, Type.LONG, CacheSettings.DEFAULT_TTL.toMillis(), ConfigDef.Range.atLeast(1),
                    Importance.LOW, "How long a cached answer of the persona may be served after it was recorded.")
            .define(CACHE_MAX_ENTRIES, Type.INT, CacheSettings.DEFAULT_MAX_ENTRIES, ConfigDef.Range.atLeast(1),
                    Importance.LOW, "Cached answers of the persona kept at most; the oldest are evicted first.");

    private PersonaSettings() {}

    /** The definition, for {@code --list-settings}. Keys are relative to {@code persona.<name>.}. */
    public static ConfigDef definition() {
        return DEFINITION;
    }

    /**
     * Why {@code key = value} is not a valid persona setting, in one line; empty when it is. Keys under
     * {@link OpenAiSettings#HEADER_PREFIX} (extra request headers) take any value.
     */
    public static Optional<String> problem(String key, Object value) {
        if (key.startsWith(OpenAiSettings.HEADER_PREFIX) && key.length() > OpenAiSettings.HEADER_PREFIX.length()) {
            return Optional.empty();
        }
        ConfigDef.ConfigKey definition = DEFINITION.configKeys().get(key);
        if (definition == null) {
            return Optional.of("unknown persona setting '" + key + "' (see --list-settings)");
        }
        try {
            Object parsed = ConfigDef.parseType(key, value == null ? null : value.toString(), definition.type);
            if (definition.validator != null && parsed != null) {
                definition.validator.ensureValid(key, parsed);
            }
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(definition.type == Type.PASSWORD ? "invalid value of " + key : e.getMessage());
        }
    }

    /** Whether {@code key} holds a secret that must never be printed. */
    public static boolean secret(String key) {
        ConfigDef.ConfigKey definition = DEFINITION.configKeys().get(key);
        return definition != null && definition.type == Type.PASSWORD
                || key.startsWith(OpenAiSettings.HEADER_PREFIX);
    }

    /** {@code settings} with secrets replaced by {@code [redacted]}, for printing. */
    static Map<String, String> redacted(Map<String, String> settings) {
        Map<String, String> shown = new LinkedHashMap<>();
        settings.forEach((key, value) -> shown.put(key, secret(key) ? "[redacted]" : value));
        return shown;
    }
}
