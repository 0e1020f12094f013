package dev.dialectic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void eachKeyActsForItsTenantAndAReadSuffixTakesTheRightToWrite() {
        ApiKeys keys = ApiKeys.parse(" alpha-key = team-a , beta-key=team-b:read\n# a comment\ngamma=team-c");
        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.caller("alpha-key")).hasValue(new ApiKeys.Caller("team-a", ApiKeys.Right.WRITE));
        assertThat(keys.caller("beta-key")).hasValue(new ApiKeys.Caller("team-b", ApiKeys.Right.READ));
        assertThat(keys.caller("beta-key").orElseThrow().has(ApiKeys.Right.WRITE)).isFalse();
        assertThat(keys.caller("beta-key").orElseThrow().has(ApiKeys.Right.READ)).isTrue();
        assertThat(keys.caller("gamma")).hasValue(new ApiKeys.Caller("team-c", ApiKeys.Right.WRITE));
    }

    @Test
    void anAdminSuffixAddsTheRightToChangeLiveSettings() {
        ApiKeys keys = ApiKeys.parse("ops-key=ops:admin,dev-key=team-a");
        assertThat(keys.caller("ops-key")).hasValue(new ApiKeys.Caller("ops", ApiKeys.Right.ADMIN));
        assertThat(keys.caller("ops-key").orElseThrow().has(ApiKeys.Right.WRITE)).isTrue();
        assertThat(keys.caller("dev-key").orElseThrow().has(ApiKeys.Right.ADMIN)).isFalse();
    }

    @Test
    void anUnknownPartialOrMissingKeyIdentifiesNobody() {
        ApiKeys keys = ApiKeys.parse("alpha-key=team-a");
        assertThat(keys.caller("alpha")).isEmpty();
        assertThat(keys.caller("alpha-key ")).isEmpty();
        assertThat(keys.caller("")).isEmpty();
        assertThat(keys.caller(null)).isEmpty();
        assertThat(ApiKeys.none().caller("alpha-key")).isEmpty();
    }

    @Test
    void keysFromSeveralSourcesAddUp() {
        ApiKeys keys = ApiKeys.parse("a=one").and(ApiKeys.parse("b=two"));
        assertThat(keys.caller("a")).hasValue(new ApiKeys.Caller("one", ApiKeys.Right.WRITE));
        assertThat(keys.caller("b")).hasValue(new ApiKeys.Caller("two", ApiKeys.Right.WRITE));
        assertThat(ApiKeys.parse(null).isEmpty()).isTrue();
        assertThat(ApiKeys.parse(" , ").isEmpty()).isTrue();
    }

    @Test
    void malformedEntriesAreNamedByPositionNeverByTheirKey() {
        assertThatThrownBy(() -> ApiKeys.parse("good=team,secret-without-tenant"))
                .hasMessage("API key entry 2 is not KEY=TENANT").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ApiKeys.parse("secret=")).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ApiKeys.parse("secret=a,secret=b"))
                .hasMessage("API key entry 2 repeats an earlier key");
        assertThat(ApiKeys.parse("secret=team")).hasToString("ApiKeys[1 keys]");
    }
}
