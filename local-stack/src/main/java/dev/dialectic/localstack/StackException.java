package dev.dialectic.localstack;

/**
 * A failure to start, reach or stop a piece of the local stack, with a message meant for the person at the
 * terminal: one line that says what went wrong and, where there is one, what to do or which log to read.
 * The {@code local-stack} command prints only this message, never a stack trace.
 */
public final class StackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message one line, no trailing period needed */
    public StackException(String message) {
        super(message);
    }

    /**
     * @param message one line, no trailing period needed
     * @param cause   kept for tests and debuggers; the command does not print it
     */
    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
