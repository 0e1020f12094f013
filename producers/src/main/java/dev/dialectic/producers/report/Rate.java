package dev.dialectic.producers.report;

/**
 * A share: {@code count} of {@code of}. Its {@link #value()} is NaN when there was nothing to count.
 *
 * @param count how many had the property
 * @param of how many could have had it
 */
public record Rate(long count, long of) {

    public Rate {
        if (count < 0 || of < count) {
            throw new IllegalArgumentException("a rate needs 0 <= count <= of, got " + count + "/" + of);
        }
    }

    /** {@code count / of}, between 0 and 1; NaN when {@code of} is 0. */
    public double value() {
        return of == 0 ? Double.NaN : (double) count / of;
    }
}
