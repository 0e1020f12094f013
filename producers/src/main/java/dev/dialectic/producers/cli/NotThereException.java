package dev.dialectic.producers.cli;

/**
 * What was asked for is not there (yet): a result that did not arrive in time, a task without a ledger. The
 * CLI prints the message alone and exits with 3.
 */
final class NotThereException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NotThereException(String message) {
        super(message);
    }
}
