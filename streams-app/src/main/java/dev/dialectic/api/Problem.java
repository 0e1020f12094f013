package dev.dialectic.api;

import java.util.Locale;
import java.util.Objects;

/**
 * An RFC 7807 problem: what the API answers for every request it refuses. Thrown by route handlers, written
 * by the server as {@code application/problem+json}.
 *
 * @param status the HTTP status
 * @param title a short summary of the kind of problem
 * @param detail what was wrong with this request, in one line
 * @param field the request field at fault (its name in the schema, e.g. {@code goal}, {@code tasks[2].mode}),
 *     or null
 */
public record Problem(int status, String title, String detail, String field) {

    /** The content type of a problem body. */
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
    }

    /** 400: the request itself is wrong. */
    public static Problem badRequest(String field, String detail) {
        return new Problem(400, "Invalid request", detail, field);
    }

    /** 401: no key, or a key that is not known. */
    public static Problem unauthorized(String detail) {
        return new Problem(401, "Unauthorized", detail, null);
    }

    /** 403: a known key without the right. */
    public static Problem forbidden(String detail) {
        return new Problem(403, "Forbidden", detail, null);
    }

    /** 404: nothing there. */
    public static Problem notFound(String detail) {
        return new Problem(404, "Not found", detail, null);
    }

    /** 413: the body is larger than allowed. */
    public static Problem tooLarge(long limit) {
        return new Problem(413, "Request body too large", "the request body is larger than " + limit + " bytes", null);
    }

    /** 503: the service cannot answer now (starting, rebalancing, Kafka unreachable). */
    public static Problem unavailable(String detail) {
        return new Problem(503, "Service unavailable", detail, null);
    }

    /** The problem's {@code type}: a relative URI naming its kind, as RFC 7807 allows. */
    public String type() {
        return "/problems/" + title.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    /** This problem as an exception a handler throws. */
    public ProblemException exception() {
        return new ProblemException(this);
    }

    /** A request refused with a {@link Problem}. */
    public static final class ProblemException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Problem problem;

        ProblemException(Problem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }

        /** The problem to answer with. */
        public Problem problem() {
            return problem;
        }
    }
}
