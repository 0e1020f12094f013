package dev.dialectic.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.schema.Control;
import dev.dialectic.serde.StubHttpServer.Answer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

  private static final String SECRET = "pa55-w0rd";

  @Test
  void everySettingIsDocumented() {
    var definition = AvroSerdeConfig.configDef();

    assertThat(definition.names()).contains(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
        AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, AvroSerdeConfig.BASIC_AUTH_USER_INFO,
        AvroSerdeConfig.BEARER_AUTH_TOKEN, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
        AvroSerdeConfig.SPECIFIC_AVRO_READER);
    assertThat(definition.configKeys().values()).allSatisfy(key -> assertThat(key.documentation).isNotBlank());
    var defaults = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081"));
    assertThat(defaults.autoRegisterSchemas()).isTrue();
    assertThat(defaults.specificAvroReader(false)).isFalse();
  }

  @Test
  void kafkaCanCreateAndConfigureTheSerdeByClassName() throws Exception {
    var registry = new InMemorySchemaRegistry();
    var json = new ObjectMapper();
    try (var stub = new StubHttpServer().answering(request -> {
      if (request.rawPath().equals("/subjects/dialectic.control-value/versions")) {
        try {
          var schema = new org.apache.avro.Schema.Parser().parse(json.readTree(request.body()).get("schema")
              .asText());
          return new Answer(200, "{\"id\":" + registry.register("dialectic.control-value", schema) + "}");
        } catch (Exception e) {
          return new Answer(500, "{}");
        }
      }
      int id = Integer.parseInt(request.rawPath().substring("/schemas/ids/".length()));
      return new Answer(200, json.createObjectNode().put("schema", registry.schemaById(id).toString()).toString());
    })) {
      Map<String, Object> config = new HashMap<>(Map.of(
          AvroSerdeConfig.SCHEMA_REGISTRY_URL, stub.url(),
          AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
          AvroSerdeConfig.BASIC_AUTH_USER_INFO, "svc:" + SECRET,
          AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, Control.class.getName(),
          ProducerConfig.ACKS_CONFIG, "all"));
      @SuppressWarnings("unchecked")
      Serde<Control> specific = Utils.newInstance(AvroSerde.class.getName(), Serde.class);
      @SuppressWarnings("unchecked")
      Serde<GenericRecord> generic = Utils.newInstance(AvroSerde.class.getName(), Serde.class);
      specific.configure(config, false);
      config.remove(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE);
      generic.configure(config, false);

      byte[] bytes = specific.serializer().serialize("dialectic.control", Samples.control());

      assertThat(specific.deserializer().deserialize("dialectic.control", bytes)).isEqualTo(Samples.control());
      assertThat(generic.deserializer().deserialize("dialectic.control", bytes).get("name"))
          .hasToString("canary.percent");
      assertThat(stub.requests()).allSatisfy(request -> assertThat(request.authorization()).startsWith("Basic "));
      assertThat(specific.toString()).contains("dev.dialectic.schema.Control, value, auto-register", stub.url())
          .doesNotContain(SECRET);
      specific.close();
      generic.close();
    }
  }

  @Test
  void invalidSettingsAreRefusedWithoutShowingSecrets() {
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r:8081",
        AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("basic.auth.user.info must be set when basic.auth.credentials.source is USER_INFO");
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r:8081",
        AvroSerdeConfig.BASIC_AUTH_USER_INFO, "svc:" + SECRET)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("set basic.auth.credentials.source=USER_INFO")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(
        AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://a:" + SECRET + "@r1:8081,http://r2:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r:8081",
        AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, String.class.getName())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a generated Avro class");
    assertThatThrownBy(() -> new AvroSerde<>().configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
        "registry:8081"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid schema registry settings: Schema registry URL must be an absolute http(s) URL:"
            + " registry:8081");
  }
}
