package dev.dialectic.llm.openai;

import static dev.dialectic.llm.openai.OpenAiProviderTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class OpenAiSettingsTest {

    private static final UnaryOperator<String> NO_ENVIRONMENT = name -> null;

    @Test
    void theDefaultsTalkToOpenAiWithUsageOn() {
        OpenAiSettings settings = OpenAiSettings.builder().build();

        assertThat(settings.endpoint()).isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
        assertThat(settings.apiKey()).isEmpty();
        assertThat(settings.model()).isEmpty();
        assertThat(settings.includeUsage()).isTrue();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.totalTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void everyKeyIsRead() {
        OpenAiSettings settings = OpenAiSettings.fromConfig("persona.thesis.", Map.of(
                "base.url", "http://localhost:11434/v1/",
                "model", "llama3.2:1b",
                "api.key", KEY,
                "connect.timeout.ms", "1500",
                "first.token.timeout.ms", 20_000,
                "total.timeout.ms", " 90000 ",
                "include.usage", "FALSE",
                "header.OpenAI-Organization", "org-dialectic",
                "system.prompt", "not ours, ignored"), NO_ENVIRONMENT);

        assertThat(settings.endpoint()).isEqualTo(URI.create("http://localhost:11434/v1/chat/completions"));
        assertThat(settings.model()).contains("llama3.2:1b");
        assertThat(settings.apiKey()).contains(OpenAiSettings.ApiKey.of(KEY));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.totalTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.includeUsage()).isFalse();
        assertThat(settings.headers()).containsExactly(Map.entry("OpenAI-Organization", "org-dialectic"));
    }

    @Test
    void theKeyComesFromTheNamedEnvironmentVariableOrOpenAiApiKey() {
        UnaryOperator<String> environment = name -> switch (name) {
            case "OPENAI_API_KEY" -> "sk-default";
            case "VLLM_KEY" -> "sk-named";
            default -> null;
        };

        assertThat(OpenAiSettings.fromConfig("", Map.of(), environment).apiKey())
                .contains(OpenAiSettings.ApiKey.of("sk-default"));
        assertThat(OpenAiSettings.fromConfig("", Map.of("api.key.env", "VLLM_KEY"), environment).apiKey())
                .contains(OpenAiSettings.ApiKey.of("sk-named"));
        assertThat(OpenAiSettings.fromConfig("", Map.of("api.key", "sk-explicit"), environment).apiKey())
                .contains(OpenAiSettings.ApiKey.of("sk-explicit"));
        assertThat(OpenAiSettings.fromConfig("", Map.of(), NO_ENVIRONMENT).apiKey()).isEmpty();
        assertThatThrownBy(() -> OpenAiSettings.fromConfig("p.", Map.of("api.key.env", "MISSING_KEY"), NO_ENVIRONMENT))
                .isInstanceOf(ConfigException.class).hasMessageContaining("p.api.key.env")
                .hasMessageContaining("MISSING_KEY");
    }

    @Test
    void badValuesAreConfigExceptionsNamingTheKey() {
        assertThatThrownBy(() -> fromConfig(Map.of("connect.timeout.ms", "ten")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.connect.timeout.ms")
                .hasMessageContaining("positive whole number of milliseconds");
        assertThatThrownBy(() -> fromConfig(Map.of("first.token.timeout.ms", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.first.token.timeout.ms");
        assertThatThrownBy(() -> fromConfig(Map.of("total.timeout.ms", "-5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.total.timeout.ms");
        assertThatThrownBy(() -> fromConfig(Map.of("base.url", "localhost:8080")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.base.url")
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> fromConfig(Map.of("base.url", "http://bad host/v1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.base.url is not a URL");
        assertThatThrownBy(() -> fromConfig(Map.of("include.usage", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("persona.thesis.include.usage");
    }

    @Test
    void secretsInBadValuesStayOutOfTheMessages() {
        ConfigException userInfo = catchThrowableOfType(ConfigException.class,
                () -> fromConfig(Map.of("base.url", "https://user:" + KEY + "@api.example.com/v1")));
        assertThat(userInfo.getMessage()).contains("persona.thesis.base.url").doesNotContain(KEY);

        ConfigException authorization = catchThrowableOfType(ConfigException.class,
                () -> fromConfig(Map.of("header.Authorization", "Bearer " + KEY)));
        assertThat(authorization.getMessage()).contains("persona.thesis.header.Authorization").doesNotContain(KEY);

        ConfigException badTimeout = catchThrowableOfType(ConfigException.class,
                () -> fromConfig(Map.of("api.key", KEY, "total.timeout.ms", "soon")));
        assertThat(badTimeout.getMessage()).doesNotContain(KEY);
    }

    @Test
    void neitherSettingsNorProviderPrintTheKeyOrHeaderValues() {
        OpenAiSettings settings = OpenAiSettings.builder().apiKey(KEY).header("api-key", "azure-" + KEY).build();

        assertThat(settings.toString()).doesNotContain(KEY).contains("apiKey=[redacted]").contains("headers=[api-key]");
        assertThat(settings.apiKey()).hasValueSatisfying(key -> assertThat(key.toString()).isEqualTo("[redacted]"));
        try (OpenAiProvider provider = new OpenAiProvider(settings)) {
            assertThat(provider.toString()).doesNotContain(KEY).contains("api.openai.com");
        }
    }

    @Test
    void theBuilderRefusesWhatWouldBreakRequests() {
        assertThatThrownBy(() -> OpenAiSettings.builder().baseUrl("ftp://example.com/v1").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenAiSettings.builder().baseUrl("https://example.com/v1?api-version=1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query");
        assertThatThrownBy(() -> OpenAiSettings.builder().header("Content-Length", "5").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenAiSettings.builder().header("X-Bad", "a\r\nInjected: yes").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenAiSettings.builder().totalTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalTimeout");
        assertThatThrownBy(() -> OpenAiSettings.ApiKey.of("sk-1\nX-Injected: yes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-1");
    }

    private static OpenAiSettings fromConfig(Map<String, ?> values) {
        return OpenAiSettings.fromConfig("persona.thesis.", values, NO_ENVIRONMENT);
    }
}
