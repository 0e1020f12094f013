package dev.dialectic.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    @Test
    void dataFieldsMakeEventsAtBlankLines() {
        assertThat(events(
                "data: {\"a\":1}", "",
                ": keep-alive comment", "",
                "event: message", "id: 7", "retry: 100", "data:no space", "data:  two spaces", "",
                "data", "",
                "", "",
                "data: first line", "data: second line", "",
                "data: [DONE]", "",
                "data: cut off by the end of the stream"))
                .containsExactly("{\"a\":1}", "no space\n two spaces", "", "first line\nsecond line", "[DONE]");
    }

    private static List<String> events(String... lines) {
        ServerSentEvents parser = new ServerSentEvents();
        List<String> events = new ArrayList<>();
        for (String line : lines) {
            parser.accept(line).ifPresent(events::add);
        }
        return events;
    }
}
