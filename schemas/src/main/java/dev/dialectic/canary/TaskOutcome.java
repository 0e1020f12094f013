package dev.dialectic.canary;

import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one finished task went, as the canary is judged by it.
 *
 * @param taskId the task
 * @param variant the release variant that served it
 * @param acceptedAt when the orchestrator accepted it (its variant was chosen then)
 * @param finishedAt when it ended
 * @param failed whether it ended without a full answer (FAILED or PARTIAL): an error
 * @param fellBack whether it fell back from parallel to the sequential chain
 * @param latency from submission to the end
 */
public record TaskOutcome(String taskId, String variant, Instant acceptedAt, Instant finishedAt, boolean failed,
        boolean fellBack, Duration latency) {

    /** The outcome of the task {@code ledger} describes, once it has ended. */
    public static Optional<TaskOutcome> of(TaskLedger ledger) {
        TaskStatus status = ledger.getStatus();
        boolean ended = status == TaskStatus.SUCCEEDED || status == TaskStatus.PARTIAL || status == TaskStatus.FAILED;
        if (!ended || ledger.getFinishedAt() == null) {
            return Optional.empty();
        }
        return Optional.of(new TaskOutcome(ledger.getTaskId(), ledger.getVariant(), ledger.getAcceptedAt(),
                ledger.getFinishedAt(), status != TaskStatus.SUCCEEDED, ledger.getFallbackStage() != null,
                Duration.between(ledger.getSubmittedAt(), ledger.getFinishedAt())));
    }
}
