package dev.dialectic.worker;

import dev.dialectic.llm.Prompt;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.spec.PromptTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How a request becomes a prompt. */
public final class Prompts {

    private Prompts() {}

    /**
     * The system prompt of a persona whose spec gives none (the dialectic personas' instructions are in the
     * built-in spec).
     */
    public static String defaultSystemPrompt(String persona) {
        return "You are the '" + persona + "' persona. Answer the goal from that perspective.";
    }

    /**
     * The chat prompt for {@code request} as {@code profile} asks it: the profile's template filled in, or the
     * built-in layout (goal, context, then each input, the gate's feedback included, under its stage's name).
     */
    public static Prompt build(PersonaProfile profile, PersonaRequest request) {
        String user = profile.promptTemplate().map(template -> PromptTemplate.render(template, values(request)))
                .orElseGet(() -> layout(request));
        return new Prompt(profile.model(), List.of(Prompt.Message.system(profile.systemPrompt()),
                Prompt.Message.user(user)), profile.maxTokens(), profile.temperature());
    }

    private static String layout(PersonaRequest request) {
        StringBuilder user = new StringBuilder("Goal: ").append(request.getGoal()).append('\n');
        if (request.getContext() != null && !request.getContext().isBlank()) {
            user.append("\nContext:\n").append(request.getContext()).append('\n');
        }
        for (PersonaInput input : request.getInputs()) {
            user.append("\n").append(capitalize(input.getStage())).append(":\n").append(input.getText()).append('\n');
        }
        return user.toString();
    }

    private static Map<String, String> values(PersonaRequest request) {
        Map<String, String> values = new HashMap<>();
        values.put(PromptTemplate.GOAL, request.getGoal());
        values.put(PromptTemplate.CONTEXT, request.getContext() == null ? "" : request.getContext());
        StringBuilder inputs = new StringBuilder();
        for (PersonaInput input : request.getInputs()) {
            if (input.getStage().equals(PromptTemplate.FEEDBACK)) {
                values.put(PromptTemplate.FEEDBACK, input.getText());
                continue;
            }
            values.put(PromptTemplate.INPUT_PREFIX + input.getStage(), input.getText());
            inputs.append(inputs.isEmpty() ? "" : "\n").append(capitalize(input.getStage())).append(":\n")
                    .append(input.getText()).append('\n');
        }
        values.put(PromptTemplate.INPUTS, inputs.toString());
        return values;
    }

    private static String capitalize(String word) {
        return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
