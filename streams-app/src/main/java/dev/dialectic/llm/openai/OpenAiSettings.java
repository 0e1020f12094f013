package dev.dialectic.llm.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * How an {@link OpenAiProvider} reaches one OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server, ...).
 *
 * <p>The API key is held as an {@link ApiKey}, which prints as {@code [redacted]} and whose value only this
 * package can read, so neither this record's {@code toString()} nor anything built from it can leak the key.
 *
 * @param baseUrl the API root, e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}; requests
 *     go to {@code {baseUrl}/chat/completions}. Absolute http(s), no user info, query or fragment, no trailing slash
 * @param model the model to ask for when a prompt names none (a blank {@link dev.dialectic.llm.Prompt#model()});
 *     otherwise the prompt's model is sent
 * @param apiKey sent as {@code Authorization: Bearer <key>} when present; local servers usually need none
 * @param connectTimeout longest wait for a TCP/TLS connection
 * @param firstTokenTimeout longest wait from the start of a call to its first content token, covering connecting,
 *     the response headers and the model's prompt processing
 * @param totalTimeout longest a whole call may take
 * @param headers extra request headers, e.g. {@code OpenAI-Organization} or {@code OpenAI-Project}; their values are
 *     never printed either, as some servers take secrets in headers
 * @param includeUsage whether to ask for {@code stream_options: {"include_usage": true}}, which makes the server report
 *     token counts; turn it off for servers that reject the option (token counts are then estimated)
 */
public record OpenAiSettings(
        URI baseUrl,
        Optional<String> model,
        Optional<ApiKey> apiKey,
        Duration connectTimeout,
        Duration firstTokenTimeout,
        Duration totalTimeout,
        Map<String, String> headers,
        boolean includeUsage) {

    /** Key of the API root URL; default {@value #DEFAULT_BASE_URL}. */
    public static final String BASE_URL = "base.url";
    /** Key of the model asked for when a prompt names none. */
    public static final String MODEL = "model";
    /** Key of the API key itself; prefer {@link #API_KEY_ENV} so the key stays out of configuration files. */
    public static final String API_KEY = "api.key";
    /** Key naming the environment variable that holds the API key; default {@value #DEFAULT_API_KEY_ENV}. */
    public static final String API_KEY_ENV = "api.key.env";
    /** Key of the connect timeout in milliseconds; default 10 000. */
    public static final String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    /** Key of the first-token timeout in milliseconds; default 60 000. */
    public static final String FIRST_TOKEN_TIMEOUT_MS = "first.token.timeout.ms";
    /** Key of the whole-call timeout in milliseconds; default 300 000. */
    public static final String TOTAL_TIMEOUT_MS = "total.timeout.ms";
    /** Key of {@link #includeUsage()}: {@code true} (default) or {@code false}. */
    public static final String INCLUDE_USAGE = "include.usage";
    /** Prefix of extra request headers: {@code header.OpenAI-Organization=org-123}. */
    public static final String HEADER_PREFIX = "header.";

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofMinutes(5);

    /** RFC 9110 token characters, the only ones allowed in a header name. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /**
     * Headers the JDK client refuses to let callers set, plus the ones this provider sets itself; Authorization is
     * here so a key cannot slip in as a plain header and then be printed.
     */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "authorization", "connection", "content-length", "content-type", "accept", "expect", "host", "upgrade");

    public OpenAiSettings {
        baseUrl = normalizedBaseUrl(baseUrl);
        Objects.requireNonNull(model, "model");
        if (model.isPresent() && model.get().isBlank()) {
            model = Optional.empty();
        }
        Objects.requireNonNull(apiKey, "apiKey");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstTokenTimeout, "firstTokenTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        headers = validatedHeaders(headers);
    }

    /** A builder with the defaults: OpenAI's API, no model, no key, 10 s / 60 s / 5 min timeouts, usage on. */
    public static Builder builder() {
        return new Builder();
    }

    /** The chat-completions endpoint, {@code {baseUrl}/chat/completions}. */
    public URI endpoint() {
        return URI.create(baseUrl + "/chat/completions");
    }

    /**
     * Settings from one persona's configuration, whose keys are those of this class's constants ({@value #BASE_URL},
     * {@value #MODEL}, {@value #API_KEY}, {@value #API_KEY_ENV}, {@value #CONNECT_TIMEOUT_MS},
     * {@value #FIRST_TOKEN_TIMEOUT_MS}, {@value #TOTAL_TIMEOUT_MS}, {@value #INCLUDE_USAGE}, {@value #HEADER_PREFIX}*);
     * other keys are ignored, so a persona's whole configuration can be passed. The API key is {@value #API_KEY}
     * when given, else the environment variable named by {@value #API_KEY_ENV}; none when neither is set.
     *
     * @param keyPrefix prefix the keys carry in the application's configuration, e.g. {@code persona.thesis.}; used
     *     only to name the offending key in error messages
     * @param values the persona's settings, keys without the prefix; values are strings or anything whose
     *     {@code toString()} is the value
     * @throws ConfigException naming the key when a value is malformed, or when {@value #API_KEY_ENV} is set
     *     explicitly and names a variable that is not set. It never carries the key itself
     */
    public static OpenAiSettings fromConfig(String keyPrefix, Map<String, ?> values) {
        return fromConfig(keyPrefix, values, System::getenv);
    }

    /** {@link #fromConfig(String, Map)} reading environment variables through {@code environment}. */
    static OpenAiSettings fromConfig(String keyPrefix, Map<String, ?> values, UnaryOperator<String> environment) {
        Builder builder = builder();
        Config config = new Config(keyPrefix, values);
        config.string(BASE_URL).ifPresent(url -> {
            // Messages leave the value out: a malformed URL may still carry credentials.
            try {
                builder.baseUrl(normalizedBaseUrl(new URI(url)));
            } catch (URISyntaxException e) {
                throw new ConfigException(keyPrefix + BASE_URL + " is not a URL: " + e.getReason());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(keyPrefix + BASE_URL + ": " + e.getMessage());
            }
        });
        config.string(MODEL).ifPresent(builder::model);
        Optional<String> explicitKey = config.string(API_KEY);
        Optional<String> variable = config.string(API_KEY_ENV);
        String key = explicitKey.orElseGet(() -> environment.apply(variable.orElse(DEFAULT_API_KEY_ENV)));
        if (explicitKey.isEmpty() && variable.isPresent() && (key == null || key.isBlank())) {
            throw config.invalid(API_KEY_ENV, variable.get(), "no such environment variable is set");
        }
        try {
            builder.apiKey(key == null ? null : key.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyPrefix + (explicitKey.isPresent() ? API_KEY : API_KEY_ENV) + ": "
                    + e.getMessage());
        }
        config.millis(CONNECT_TIMEOUT_MS).ifPresent(builder::connectTimeout);
        config.millis(FIRST_TOKEN_TIMEOUT_MS).ifPresent(builder::firstTokenTimeout);
        config.millis(TOTAL_TIMEOUT_MS).ifPresent(builder::totalTimeout);
        config.string(INCLUDE_USAGE).ifPresent(flag -> builder.includeUsage(switch (flag.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw config.invalid(INCLUDE_USAGE, flag, "must be true or false");
        }));
        values.keySet().stream().filter(setting -> setting.startsWith(HEADER_PREFIX)).forEach(setting -> {
            String name = setting.substring(HEADER_PREFIX.length());
            try {
                builder.header(name, config.string(setting).orElse(""));
            } catch (IllegalArgumentException e) {
                // The header's value may be a secret: name only the key.
                throw new ConfigException(keyPrefix + setting + ": " + e.getMessage());
            }
        });
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyPrefix + "*: " + e.getMessage());
        }
    }

    /** Prints everything but secrets: whether a key is set, and only the names of the extra headers. */
    @Override
    public String toString() {
        return "OpenAiSettings[baseUrl=" + baseUrl + ", model=" + model.orElse("(from prompt)")
                + ", apiKey=" + (apiKey.isPresent() ? "[redacted]" : "(none)")
                + ", connectTimeout=" + connectTimeout + ", firstTokenTimeout=" + firstTokenTimeout
                + ", totalTimeout=" + totalTimeout + ", headers=" + new TreeMap<>(headers).keySet()
                + ", includeUsage=" + includeUsage + "]";
    }

    private static URI normalizedBaseUrl(URI url) {
        Objects.requireNonNull(url, "baseUrl");
        // Refused rather than redacted: the URL appears in messages, and a query would break the appended path.
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "the base URL must have no user info, query or fragment (give a key as the API key)");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("the base URL must be an absolute http(s) URL like "
                    + DEFAULT_BASE_URL + ", got " + url);
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }

    private static Map<String, String> validatedHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        headers.forEach(OpenAiSettings::validateHeader);
        return Map.copyOf(headers);
    }

    /** Refuses a header the request could not carry; the message never quotes the value, which may be a secret. */
    private static void validateHeader(String name, String value) {
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid header name '" + name + "'");
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " cannot be set as an extra header"
                    + (name.equalsIgnoreCase("authorization") ? " (give the key as apiKey)" : ""));
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " needs a single-line value");
        }
    }

    /**
     * A secret API key. Equal by value, printed as {@code [redacted]}; only this package reads the value, to put it
     * in the {@code Authorization} header and to scrub it from server messages.
     */
    public static final class ApiKey {

        private final String value;

        private ApiKey(String value) {
            this.value = value;
        }

        /** Wraps {@code value}, which must be non-blank and a single line (it becomes a header). */
        public static ApiKey of(String value) {
            Objects.requireNonNull(value, "value");
            if (value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an API key must be a non-blank single line");
            }
            return new ApiKey(value);
        }

        String value() {
            return value;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ApiKey key && key.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }

        @Override
        public String toString() {
            return "[redacted]";
        }
    }

    /** Builds {@link OpenAiSettings}; starts from the defaults of {@link OpenAiSettings#builder()}. */
    public static final class Builder {

        private URI baseUrl = URI.create(DEFAULT_BASE_URL);
        private Optional<String> model = Optional.empty();
        private Optional<ApiKey> apiKey = Optional.empty();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration firstTokenTimeout = DEFAULT_FIRST_TOKEN_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean includeUsage = true;

        private Builder() {}

        public Builder baseUrl(URI url) {
            this.baseUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /** @throws IllegalArgumentException when {@code url} is not a URI */
        public Builder baseUrl(String url) {
            return baseUrl(URI.create(url));
        }

        public Builder model(String name) {
            this.model = Optional.of(name);
            return this;
        }

        /** The key to send; {@code null} or blank means none. */
        public Builder apiKey(String key) {
            this.apiKey = key == null || key.isBlank() ? Optional.empty() : Optional.of(ApiKey.of(key));
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder firstTokenTimeout(Duration timeout) {
            this.firstTokenTimeout = timeout;
            return this;
        }

        public Builder totalTimeout(Duration timeout) {
            this.totalTimeout = timeout;
            return this;
        }

        /**
         * Adds (or replaces) an extra request header.
         *
         * @throws IllegalArgumentException for a malformed header or one the provider sets itself
         */
        public Builder header(String name, String value) {
            validateHeader(name, value);
            headers.put(name, value);
            return this;
        }

        public Builder includeUsage(boolean include) {
            this.includeUsage = include;
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range (see {@link OpenAiSettings}) */
        public OpenAiSettings build() {
            return new OpenAiSettings(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, totalTimeout,
                    headers, includeUsage);
        }
    }

    /** Reads typed values from a persona's settings and names the full key when one is malformed. */
    private record Config(String keyPrefix, Map<String, ?> values) {

        Optional<String> string(String key) {
            Object value = values.get(key);
            return value == null ? Optional.empty() : Optional.of(value.toString().strip());
        }

        Optional<Duration> millis(String key) {
            return string(key).map(text -> {
                long millis;
                try {
                    millis = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    millis = 0;
                }
                if (millis <= 0) {
                    throw invalid(key, text, "must be a positive whole number of milliseconds");
                }
                return Duration.ofMillis(millis);
            });
        }

        ConfigException invalid(String key, String value, String why) {
            return new ConfigException(keyPrefix + key, value, why);
        }
    }
}
