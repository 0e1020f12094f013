package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.api.ApiKeys;
import dev.dialectic.api.ApiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSettingsConfigTest {

    @Test
    void theDefaultsServeThisMachineOnlyOnPort8080() {
        ApiSettings settings = new DialecticConfig(Map.of()).apiSettings();
        assertThat(settings.host()).isEqualTo(ApiSettings.DEFAULT_HOST).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(settings.keys().isEmpty()).isTrue();
        assertThat(settings.authReads()).isTrue();
        assertThat(settings.enabled()).isTrue();
        assertThat(new DialecticConfig(Map.of(DialecticConfig.API_PORT, "0")).apiSettings().enabled()).isFalse();
    }

    @Test
    void keysComeFromTheSettingAndTheFileTogether(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "# team b\nfile-key=team-b:read\n");
        ApiKeys keys = new DialecticConfig(Map.of(DialecticConfig.API_KEYS, "inline-key=team-a",
                DialecticConfig.API_KEYS_FILE, file.toString())).apiSettings().keys();
        assertThat(keys.caller("inline-key")).hasValue(new ApiKeys.Caller("team-a", ApiKeys.Right.WRITE));
        assertThat(keys.caller("file-key")).hasValue(new ApiKeys.Caller("team-b", ApiKeys.Right.READ));
    }

    @Test
    void badKeysAreRefusedWithoutShowingThem(@TempDir Path dir) {
        assertThatThrownBy(() -> new DialecticConfig(Map.of(DialecticConfig.API_KEYS, "secret-key-no-tenant"))
                .apiSettings()).isInstanceOf(ConfigException.class).hasMessageNotContaining("secret-key");
        assertThatThrownBy(() -> new DialecticConfig(Map.of(DialecticConfig.API_KEYS_FILE,
                dir.resolve("missing").toString())).apiSettings()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("api.keys.file");
    }

    @Test
    void anAddressOpenToOtherMachinesIsAdvertisedByName() {
        ApiSettings settings = new DialecticConfig(Map.of(DialecticConfig.API_HOST, "0.0.0.0")).apiSettings();
        assertThat(settings.advertisedHost()).isNotEqualTo("0.0.0.0").isNotBlank();
        assertThat(new DialecticConfig(Map.of(DialecticConfig.API_HOST, "0.0.0.0",
                DialecticConfig.API_ADVERTISED_HOST, "app-1")).apiSettings().advertisedHost()).isEqualTo("app-1");
    }
}
