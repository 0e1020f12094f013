package dev.dialectic.worker;

import dev.dialectic.llm.Prompt;
import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import java.util.List;

/** The default instructions of the dialectic personas, and how a request becomes a prompt. */
public final class Prompts {

    private Prompts() {}

    /** The default system prompt of {@code persona}. */
    public static String defaultSystemPrompt(String persona) {
        return switch (persona) {
            case Pipeline.THESIS -> "You argue FOR the most promising approach to the goal. Be concrete and brief.";
            case Pipeline.ANTITHESIS -> "You argue AGAINST: find the strongest objections, risks and alternatives to the"
                    + " obvious approach (and to the thesis, if you are shown one). Be concrete and brief.";
            case Pipeline.SYNTHESIS -> "You are given a thesis and an antithesis. Reconcile them into one balanced,"
                    + " actionable recommendation that keeps the strongest points of each.";
            default -> "You are the '" + persona + "' persona. Answer the goal from that perspective.";
        };
    }

    /** The chat prompt for {@code request} as {@code profile} asks it. */
    public static Prompt build(PersonaProfile profile, PersonaRequest request) {
        StringBuilder user = new StringBuilder("Goal: ").append(request.getGoal()).append('\n');
        if (request.getContext() != null && !request.getContext().isBlank()) {
            user.append("\nContext:\n").append(request.getContext()).append('\n');
        }
        for (PersonaInput input : request.getInputs()) {
            user.append("\n").append(capitalize(input.getStage())).append(":\n").append(input.getText()).append('\n');
        }
        return new Prompt(profile.model(), List.of(Prompt.Message.system(profile.systemPrompt()),
                Prompt.Message.user(user.toString())), profile.maxTokens(), profile.temperature());
    }

    private static String capitalize(String word) {
        return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
