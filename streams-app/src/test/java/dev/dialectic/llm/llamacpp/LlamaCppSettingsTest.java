package dev.dialectic.llm.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaCppSettingsTest {

    private static final String PREFIX = "persona.thesis.";

    @TempDir
    Path dir;
    Path model;

    @BeforeEach
    void writeModel() throws IOException {
        // Only the magic is read before loading.
        model = Files.write(dir.resolve("Qwen2.5-0.5B-Instruct-Q4_K_M.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0});
    }

    @Test
    void defaultsNeedOnlyTheModelFile() {
        LlamaCppSettings settings = LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", model.toString(),
                "model", "ignored", "max.tokens", "64"));

        assertThat(settings).isEqualTo(new LlamaCppSettings(model, 4096, 0, 1, 0, OptionalInt.empty(),
                Optional.empty()));
        assertThat(settings.slotContextSize()).isEqualTo(4096);
        assertThat(settings.modelName()).isEqualTo("Qwen2.5-0.5B-Instruct-Q4_K_M");
    }

    @Test
    void readsEveryKey() {
        LlamaCppSettings settings = LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", " " + model + " ",
                "context.size", "8192", "threads", "3", "parallel", "4", "gpu.layers", "99", "seed", "-7",
                "chat.template", "{{ messages[0]['content'] }}"));

        assertThat(settings).isEqualTo(new LlamaCppSettings(model, 8192, 3, 4, 99, OptionalInt.of(-7),
                Optional.of("{{ messages[0]['content'] }}")));
        assertThat(settings.slotContextSize()).isEqualTo(2048);
    }

    @Test
    void spellingsOfOnePathGiveEqualSettings() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        String roundabout = dir.resolve("sub/../" + model.getFileName()).toString();

        assertThat(LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", roundabout)))
                .isEqualTo(LlamaCppSettings.fromConfig("persona.synthesis.", Map.of("model.path", model.toString())));
    }

    @Test
    void theModelPathIsRequired() {
        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, Map.of("model", "qwen")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("persona.thesis.model.path is required");
    }

    @Test
    void aMissingModelFileIsNamedWithItsKey() {
        Path missing = dir.resolve("missing.gguf");

        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value " + missing + " for configuration persona.thesis.model.path: no such file");
    }

    @Test
    void aDirectoryOrAFileThatIsNotGgufIsRefused() throws IOException {
        Path pointer = Files.writeString(dir.resolve("pointer.gguf"), "version https://git-lfs.github.com/spec/v1\n");

        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", dir.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("persona.thesis.model.path")
                .hasMessageContaining("a directory");
        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, Map.of("model.path", pointer.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(pointer.toString())
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void malformedNumbersAreNamedWithTheirKey() {
        Map<String, Object> values = new HashMap<>(Map.of("model.path", model.toString()));

        values.put("context.size", "big");
        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("persona.thesis.context.size")
                .hasMessageContaining("must be a whole number");
        values.remove("context.size");
        values.put("parallel", 0);
        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("persona.thesis.parallel")
                .hasMessageContaining("must be at least 1");
        values.put("parallel", 8);
        values.put("context.size", 8);
        assertThatThrownBy(() -> LlamaCppSettings.fromConfig(PREFIX, values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("contextSize must leave each of the 8 slot(s) at least 2 tokens");
    }
}
