package dev.dialectic.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.simulated.SimulatedProfile;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptsTest {

    private static final PersonaRequest REQUEST = PersonaRequest.newBuilder().setTaskId("t").setStage("synthesis")
            .setPersona("synthesis").setAttempt(2).setGoal("Adopt Kafka?").setContext("We are five.")
            .setInputs(List.of(new PersonaInput("thesis", "thesis", "Yes."), new PersonaInput("antithesis",
                    "antithesis", "No."), new PersonaInput("feedback", "gate", "Weigh the costs.")))
            .setVariant("baseline").setRequestedAt(Instant.EPOCH).setDeadlineAt(null).setAttributes(Map.of())
            .build();

    private static PersonaProfile profile(Optional<String> template) {
        return new PersonaProfile("synthesis", new SimulatedProvider("synthesis",
                SimulatedProfile.reference("synthesis", 0)), "m", "Be fair.", template, 100, 0.5,
                ModelGuard.unlimited("synthesis"));
    }

    @Test
    void aTemplateIsFilledWithTheGoalContextInputsAndFeedback() {
        Prompt prompt = Prompts.build(profile(Optional.of(
                "{goal} | {context} | T={input.thesis} A={input.antithesis} | {feedback} | {\"json\": 1}")), REQUEST);
        assertThat(prompt.messages().getLast().content())
                .isEqualTo("Adopt Kafka? | We are five. | T=Yes. A=No. | Weigh the costs. | {\"json\": 1}");
        assertThat(Prompts.build(profile(Optional.of("{inputs}")), REQUEST).messages().getLast().content())
                .isEqualTo("Thesis:\nYes.\n\nAntithesis:\nNo.\n");
    }

    @Test
    void withoutATemplateTheBuiltInLayoutListsEveryInputTheFeedbackIncluded() {
        assertThat(Prompts.build(profile(Optional.empty()), REQUEST).messages().getLast().content()).isEqualTo(
                "Goal: Adopt Kafka?\n\nContext:\nWe are five.\n\nThesis:\nYes.\n\nAntithesis:\nNo.\n\nFeedback:\n"
                        + "Weigh the costs.\n");
    }
}
