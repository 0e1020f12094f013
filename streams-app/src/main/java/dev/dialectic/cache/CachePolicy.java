package dev.dialectic.cache;

import dev.dialectic.llm.llamacpp.LlamaCppSettings;
import dev.dialectic.llm.openai.OpenAiSettings;
import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.spec.PersonaSettings;
import dev.dialectic.spec.PipelineSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the response cache decides, as pure functions: each persona's {@link CacheSettings}, whether a task may use
 * the cache, the key of a request, and whether an entry is still fresh.
 *
 * <p>A key is a SHA-256 over everything that shapes the answer: the persona and its answer-shaping settings
 * ({@link #ANSWER_SHAPING}: provider, model, prompts, sampling; so a changed prompt or model never serves an old
 * answer), the goal, the context, every input of the stage by stage name (so the antithesis of a sequential task,
 * which saw the thesis, and that of a parallel one have different keys, and a synthesis is keyed by both inputs),
 * the task's {@value #TENANT_ATTRIBUTE} attribute (one tenant's answers are never served to another) and the
 * variant. Limits, timeouts, the task id and other attributes do not change an answer, so they are not in the key.
 */
public final class CachePolicy {

    /** The task attribute naming its tenant (set by the HTTP API from the caller's key). */
    public static final String TENANT_ATTRIBUTE = "tenant";
    /** The task attribute that, set to {@value #OFF}, makes the task bypass the cache (no lookup, no write). */
    public static final String CACHE_ATTRIBUTE = "cache";
    public static final String OFF = "off";
    /** Persona settings that shape an answer, and therefore its key. */
    public static final List<String> ANSWER_SHAPING = List.of(PersonaSettings.PROVIDER, PersonaSettings.MODEL,
            PersonaSettings.SYSTEM_PROMPT, PersonaSettings.PROMPT, PersonaSettings.MAX_TOKENS,
            PersonaSettings.TEMPERATURE, OpenAiSettings.BASE_URL, LlamaCppSettings.MODEL_PATH, LlamaCppSettings.SEED,
            LlamaCppSettings.CHAT_TEMPLATE);
    /** Changes every key when the key's layout changes, so an old layout's entries are never matched. */
    private static final String KEY_VERSION = "dialectic-cache-v1";

    private final Map<String, CacheSettings> settings;
    private final Map<String, String> fingerprints;

    private CachePolicy(Map<String, CacheSettings> settings, Map<String, String> fingerprints) {
        this.settings = settings;
        this.fingerprints = fingerprints;
    }

    /**
     * The policy of {@code spec}'s personas (overrides applied); {@code defaultProvider} is the provider of a persona
     * that names none, and {@code enabled} false turns the cache off for every persona.
     *
     * @throws IllegalArgumentException when a persona's cache settings are not valid numbers
     */
    public static CachePolicy of(PipelineSpec spec, String defaultProvider, boolean enabled) {
        Map<String, CacheSettings> settings = new LinkedHashMap<>();
        Map<String, String> fingerprints = new LinkedHashMap<>();
        spec.personas().forEach((persona, own) -> {
            settings.put(persona, enabled ? CacheSettings.of(own) : CacheSettings.OFF);
            StringBuilder fingerprint = new StringBuilder();
            for (String key : ANSWER_SHAPING) {
                String value = own.get(key);
                if (key.equals(PersonaSettings.PROVIDER) && value == null) {
                    value = defaultProvider;
                }
                fingerprint.append(key).append('=').append(value == null ? "" : value.length() + ":" + value)
                        .append(';');
            }
            fingerprints.put(persona, fingerprint.toString());
        });
        return new CachePolicy(Map.copyOf(settings), Map.copyOf(fingerprints));
    }

    /** A policy under which no persona uses the cache. */
    public static CachePolicy disabled() {
        return new CachePolicy(Map.of(), Map.of());
    }

    /** Whether some persona uses the cache. */
    public boolean enabled() {
        return settings.values().stream().anyMatch(CacheSettings::enabled);
    }

    /** The cache settings of {@code persona}; {@link CacheSettings#OFF} for a persona the spec does not have. */
    public CacheSettings settings(String persona) {
        return settings.getOrDefault(persona, CacheSettings.OFF);
    }

    /** The personas whose answers are cached. */
    public List<String> personas() {
        return settings.entrySet().stream().filter(e -> e.getValue().enabled()).map(Map.Entry::getKey).sorted()
                .toList();
    }

    /** Whether a task with {@code attributes} bypasses the cache ({@code cache=off}). */
    public static boolean bypassed(Map<String, String> attributes) {
        String value = attributes.get(CACHE_ATTRIBUTE);
        return value != null && value.strip().toLowerCase(Locale.ROOT).equals(OFF);
    }

    /**
     * The key under which {@code persona}'s answer to this request is cached; empty when the persona does not use
     * the cache or the task bypasses it.
     */
    public Optional<String> key(String persona, String goal, String context, List<PersonaInput> inputs,
            Map<String, String> attributes, String variant) {
        if (!settings(persona).enabled() || bypassed(attributes)) {
            return Optional.empty();
        }
        MessageDigest digest = sha256();
        update(digest, KEY_VERSION);
        update(digest, persona);
        update(digest, fingerprints.get(persona));
        update(digest, goal);
        update(digest, context);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(inputs.size()).array());
        for (PersonaInput input : inputs) {
            update(digest, input.getStage());
            update(digest, input.getText());
        }
        update(digest, attributes.get(TENANT_ATTRIBUTE));
        update(digest, variant);
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /** Whether {@code entry} may still be served at {@code now}: recorded less than its persona's ttl ago. */
    public boolean fresh(CacheEntry entry, long now) {
        CacheSettings own = settings(entry.getPersona());
        return own.enabled() && now < entry.getCreatedAt().toEpochMilli() + own.ttl().toMillis();
    }

    /** Length-prefixed, so that no two different sequences of parts hash the same bytes; null differs from "". */
    private static void update(MessageDigest digest, String part) {
        if (part == null) {
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
            return;
        }
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
