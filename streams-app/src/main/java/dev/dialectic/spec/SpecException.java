package dev.dialectic.spec;

/**
 * A spec that cannot work. The message is one line naming the file, the place in it and the problem:
 * {@code pipeline.yaml:12:7: stages[1].inputs[0]: unknown input 'critc' (stages: critic-a, synthesis)}.
 */
public final class SpecException extends RuntimeException {

    SpecException(String message, Throwable cause) {
        super(message.replaceAll("\\s+", " ").strip(), cause);
    }
}
