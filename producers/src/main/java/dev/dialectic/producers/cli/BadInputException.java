package dev.dialectic.producers.cli;

/** Input the user can fix (an option value, a task file); the CLI prints the message alone and exits with 2. */
final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
        super(message);
    }
}
