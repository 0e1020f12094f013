package dev.dialectic.llm.llamacpp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a {@link LlamaCppProvider} loads and runs one GGUF model file in this process.
 *
 * <p>Equal settings describe the same loaded model, so they can key a cache of providers: the model path is made
 * absolute and normalized for that.
 *
 * @param modelPath the GGUF file (absolute, normalized)
 * @param contextSize tokens of context llama.cpp allocates in all, shared equally by the {@code parallel} slots:
 *     each call gets {@code contextSize / parallel} tokens for its prompt and answer
 * @param threads CPU threads for inference; 0 lets llama.cpp choose (one per core)
 * @param parallel calls the model decodes at once (llama.cpp server slots); further calls wait their turn
 * @param gpuLayers layers to offload to a GPU; 0 (default) runs on the CPU only. Offloading needs a GPU build of the
 *     native library; the bundled one is CPU only on Linux and Windows
 * @param seed sampling seed; empty for a random one per call. Irrelevant at temperature 0 (greedy decoding)
 * @param chatTemplate a Jinja chat template to use instead of the one in the GGUF file
 */
public record LlamaCppSettings(
        Path modelPath,
        int contextSize,
        int threads,
        int parallel,
        int gpuLayers,
        OptionalInt seed,
        Optional<String> chatTemplate) {

    /** Key of the GGUF model file; required. */
    public static final String MODEL_PATH = "model.path";
    /** Key of {@link #contextSize()}; default {@value #DEFAULT_CONTEXT_SIZE}. */
    public static final String CONTEXT_SIZE = "context.size";
    /** Key of {@link #threads()}; default 0 (llama.cpp chooses). */
    public static final String THREADS = "threads";
    /** Key of {@link #parallel()}; default 1. */
    public static final String PARALLEL = "parallel";
    /** Key of {@link #gpuLayers()}; default 0. */
    public static final String GPU_LAYERS = "gpu.layers";
    /** Key of {@link #seed()}; default none (random). */
    public static final String SEED = "seed";
    /** Key of {@link #chatTemplate()}; default the model's own. */
    public static final String CHAT_TEMPLATE = "chat.template";

    public static final int DEFAULT_CONTEXT_SIZE = 4096;

    private static final byte[] GGUF_MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

    public LlamaCppSettings {
        modelPath = Objects.requireNonNull(modelPath, "modelPath").toAbsolutePath().normalize();
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
        }
        if (contextSize < 2 * parallel) {
            throw new IllegalArgumentException("contextSize must leave each of the " + parallel
                    + " slot(s) at least 2 tokens, got " + contextSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (llama.cpp chooses) or more, got " + threads);
        }
        if (gpuLayers < 0) {
            throw new IllegalArgumentException("gpuLayers must be 0 or more, got " + gpuLayers);
        }
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        if (chatTemplate.isPresent() && chatTemplate.get().isBlank()) {
            chatTemplate = Optional.empty();
        }
    }

    /** A builder for the model at {@code modelPath}, with the defaults: 4096 tokens of context, one slot, CPU only. */
    public static Builder builder(Path modelPath) {
        return new Builder(modelPath);
    }

    /** Tokens of context each call gets: {@code contextSize / parallel}, as llama.cpp divides it. */
    public int slotContextSize() {
        return contextSize / parallel;
    }

    /** The model file's name without {@code .gguf}, e.g. {@code qwen2.5-0.5b-instruct-q4_k_m}. */
    public String modelName() {
        String name = modelPath.getFileName() == null ? modelPath.toString() : modelPath.getFileName().toString();
        return name.length() > 5 && name.toLowerCase(Locale.ROOT).endsWith(".gguf")
                ? name.substring(0, name.length() - 5) : name;
    }

    /**
     * Settings from one persona's configuration: {@value #MODEL_PATH} (required), {@value #CONTEXT_SIZE},
     * {@value #THREADS}, {@value #PARALLEL}, {@value #GPU_LAYERS}, {@value #SEED}, {@value #CHAT_TEMPLATE}; other keys
     * are ignored, so a persona's whole configuration can be passed.
     *
     * @param keyPrefix prefix the keys carry in the application's configuration, e.g. {@code persona.thesis.}; used
     *     only to name the offending key in error messages
     * @param values the persona's settings, keys without the prefix; values are strings or anything whose
     *     {@code toString()} is the value
     * @throws ConfigException naming the key when a value is malformed, or naming the key and the path when the model
     *     file is missing, unreadable or not a GGUF file
     */
    public static LlamaCppSettings fromConfig(String keyPrefix, Map<String, ?> values) {
        Config config = new Config(keyPrefix, values);
        String file = config.string(MODEL_PATH).filter(path -> !path.isEmpty()).orElseThrow(() ->
                new ConfigException(keyPrefix + MODEL_PATH + " is required: the GGUF model file to load"));
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw config.invalid(MODEL_PATH, file, "not a file path: " + e.getReason());
        }
        modelFileProblem(path).ifPresent(problem -> {
            throw config.invalid(MODEL_PATH, path.toAbsolutePath().normalize().toString(), problem);
        });
        Builder builder = builder(path);
        config.integer(CONTEXT_SIZE, 2).ifPresent(builder::contextSize);
        config.integer(THREADS, 0).ifPresent(builder::threads);
        config.integer(PARALLEL, 1).ifPresent(builder::parallel);
        config.integer(GPU_LAYERS, 0).ifPresent(builder::gpuLayers);
        config.integer(SEED, Integer.MIN_VALUE).ifPresent(builder::seed);
        config.string(CHAT_TEMPLATE).ifPresent(builder::chatTemplate);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyPrefix + "*: " + e.getMessage());
        }
    }

    /**
     * What keeps {@code file} from being loaded as a model, if anything can be seen without loading it: it is missing,
     * a directory, unreadable, or does not start with the GGUF magic (a safetensors file, a Git LFS pointer, ...).
     */
    static Optional<String> modelFileProblem(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("a directory, not a GGUF file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(GGUF_MAGIC.length);
        } catch (NoSuchFileException e) {
            return Optional.of("no such file");
        } catch (AccessDeniedException e) {
            return Optional.of("the file cannot be read (permission denied)");
        } catch (IOException e) {
            return Optional.of("the file cannot be read: " + e);
        }
        if (!Arrays.equals(head, GGUF_MAGIC)) {
            return Optional.of("not a GGUF file (it does not start with the GGUF magic bytes)");
        }
        return Optional.empty();
    }

    /** Builds {@link LlamaCppSettings}; starts from the defaults of {@link LlamaCppSettings#builder(Path)}. */
    public static final class Builder {

        private final Path modelPath;
        private int contextSize = DEFAULT_CONTEXT_SIZE;
        private int threads;
        private int parallel = 1;
        private int gpuLayers;
        private OptionalInt seed = OptionalInt.empty();
        private Optional<String> chatTemplate = Optional.empty();

        private Builder(Path modelPath) {
            this.modelPath = Objects.requireNonNull(modelPath, "modelPath");
        }

        public Builder contextSize(int tokens) {
            this.contextSize = tokens;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder parallel(int slots) {
            this.parallel = slots;
            return this;
        }

        public Builder gpuLayers(int layers) {
            this.gpuLayers = layers;
            return this;
        }

        public Builder seed(int seed) {
            this.seed = OptionalInt.of(seed);
            return this;
        }

        /** A Jinja chat template; {@code null} or blank means the model's own. */
        public Builder chatTemplate(String template) {
            this.chatTemplate = Optional.ofNullable(template);
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range (see {@link LlamaCppSettings}) */
        public LlamaCppSettings build() {
            return new LlamaCppSettings(modelPath, contextSize, threads, parallel, gpuLayers, seed, chatTemplate);
        }
    }

    /** Reads typed values from a persona's settings and names the full key when one is malformed. */
    private record Config(String keyPrefix, Map<String, ?> values) {

        Optional<String> string(String key) {
            Object value = values.get(key);
            return value == null ? Optional.empty() : Optional.of(value.toString().strip());
        }

        Optional<Integer> integer(String key, int min) {
            return string(key).map(text -> {
                int value;
                try {
                    value = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw invalid(key, text, "must be a whole number");
                }
                if (value < min) {
                    throw invalid(key, text, "must be at least " + min);
                }
                return value;
            });
        }

        ConfigException invalid(String key, String value, String why) {
            return new ConfigException(keyPrefix + key, value, why);
        }
    }
}
