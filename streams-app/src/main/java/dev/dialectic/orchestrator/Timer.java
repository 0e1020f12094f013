package dev.dialectic.orchestrator;

import java.util.Objects;

/**
 * Something the orchestrator must do at a wall-clock time: end a task at its deadline, ask again for a stage
 * attempt that had no answer, or forget a finished task after its retention.
 *
 * <p>The timer owns its encoding in the timer store. Keys sort by time: 13 zero-padded digits of epoch millis,
 * {@code |}, the kind's letter, {@code |}, the task id, and for an attempt {@code |} and the stage; the value is
 * the task id, or for an attempt {@code <attempt>:<stage>}. The format is the one earlier releases wrote, so
 * timers in a changelog written by them still fire.
 *
 * @param at when it is due, epoch millis
 * @param kind what it does
 * @param taskId the task
 * @param stage the stage, for an attempt; null otherwise
 * @param attempt the attempt that had to be answered, for an attempt; 0 otherwise
 */
record Timer(long at, Kind kind, String taskId, String stage, int attempt) {

    /** What a timer does, with the letter its key carries. */
    enum Kind {
        DEADLINE('D'), ATTEMPT('A'), PURGE('P');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        static Kind of(char letter) {
            for (Kind kind : values()) {
                if (kind.letter == letter) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no timer kind '" + letter + "'");
        }
    }

    private static final int MILLIS_DIGITS = 13;
    /** Where the task id starts in a key: the millis, a bar, the kind, a bar. */
    private static final int TASK_ID_OFFSET = MILLIS_DIGITS + 3;
    /** Sorts before every kind's letter, and after it, so a range covers whole milliseconds. */
    private static final char BEFORE_EVERY_KIND = '!';
    private static final char AFTER_EVERY_KIND = '~';

    Timer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(taskId, "taskId");
        if ((kind == Kind.ATTEMPT) != (stage != null)) {
            throw new IllegalArgumentException("an attempt timer, and only it, names a stage");
        }
    }

    static Timer deadline(long at, String taskId) {
        return new Timer(at, Kind.DEADLINE, taskId, null, 0);
    }

    static Timer purge(long at, String taskId) {
        return new Timer(at, Kind.PURGE, taskId, null, 0);
    }

    static Timer attempt(long at, String taskId, String stage, int attempt) {
        return new Timer(at, Kind.ATTEMPT, taskId, stage, attempt);
    }

    /** The timer stored under {@code key} with {@code value}. */
    static Timer decode(String key, String value) {
        long at = Long.parseLong(key, 0, MILLIS_DIGITS, 10);
        Kind kind = Kind.of(key.charAt(MILLIS_DIGITS + 1));
        if (kind != Kind.ATTEMPT) {
            return new Timer(at, kind, key.substring(TASK_ID_OFFSET), null, 0);
        }
        int colon = value.indexOf(':');
        String stage = value.substring(colon + 1);
        return new Timer(at, kind, key.substring(TASK_ID_OFFSET, key.length() - stage.length() - 1), stage,
                Integer.parseInt(value, 0, colon, 10));
    }

    /** The store key. */
    String key() {
        String key = prefix(at, kind.letter) + taskId;
        return kind == Kind.ATTEMPT ? key + '|' + stage : key;
    }

    /** The store value. */
    String value() {
        return kind == Kind.ATTEMPT ? attempt + ":" + stage : taskId;
    }

    /** The lowest key of any timer due at {@code at}. */
    static String firstKeyAt(long at) {
        return prefix(at, BEFORE_EVERY_KIND);
    }

    /** A key above every timer due at {@code at} and below every later one. */
    static String lastKeyAt(long at) {
        return prefix(at, AFTER_EVERY_KIND);
    }

    private static String prefix(long at, char kind) {
        String millis = Long.toString(at); // not String.format: this runs several times per task
        return new StringBuilder(TASK_ID_OFFSET + 40).repeat('0', MILLIS_DIGITS - millis.length()).append(millis)
                .append('|').append(kind).append('|').toString();
    }
}
